/**
 * Auto-configuration of the event store's actuator endpoints.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
