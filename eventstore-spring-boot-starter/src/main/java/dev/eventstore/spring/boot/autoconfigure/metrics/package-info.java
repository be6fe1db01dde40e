/**
 * Auto-configuration of the event store's Micrometer metrics.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
