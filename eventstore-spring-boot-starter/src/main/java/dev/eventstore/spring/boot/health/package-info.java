/**
 * Health reporting of an event store.
 */
@NullMarked
package dev.eventstore.spring.boot.health;

import org.jspecify.annotations.NullMarked;
