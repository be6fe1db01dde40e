/**
 * The {@link dev.eventstore.test.autoconfigure.EventStoreTest @EventStoreTest} slice and
 * {@link dev.eventstore.test.autoconfigure.AutoConfigureEventStore @AutoConfigureEventStore}:
 * Spring Boot tests with an in-memory store.
 */
@NullMarked
package dev.eventstore.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
