/**
 * Durable event processors declared as beans: {@link EventProcessor @EventProcessor}
 * classes whose methods take typed payloads, run by {@link EventProcessors} with
 * checkpoints beside the journal or in its database.
 */
@NullMarked
package dev.eventstore.spring.boot.processor;

import org.jspecify.annotations.NullMarked;
