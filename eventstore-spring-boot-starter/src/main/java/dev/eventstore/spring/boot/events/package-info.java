/**
 * Bridges stored events to Spring application events and maps event type names to
 * classes.
 */
@NullMarked
package dev.eventstore.spring.boot.events;

import org.jspecify.annotations.NullMarked;
