/**
 * Micrometer metrics of an event store.
 */
@NullMarked
package dev.eventstore.spring.boot.metrics;

import org.jspecify.annotations.NullMarked;
