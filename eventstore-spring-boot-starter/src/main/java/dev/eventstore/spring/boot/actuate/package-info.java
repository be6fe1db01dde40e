/**
 * Actuator endpoints of the event store.
 */
@NullMarked
package dev.eventstore.spring.boot.actuate;

import org.jspecify.annotations.NullMarked;
