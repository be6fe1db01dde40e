/**
 * Testing event-sourced code: {@link dev.eventstore.test.EventStoreAssertions} for
 * AssertJ assertions on a store, its streams, events and processors, and
 * {@link dev.eventstore.test.CommandScenario} for given/when/then tests of commands.
 */
@NullMarked
package dev.eventstore.test;

import org.jspecify.annotations.NullMarked;
