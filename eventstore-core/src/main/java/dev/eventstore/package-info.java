/**
 * The event store API: append events to streams, read them back, and subscribe to the
 * log.
 */
@NullMarked
package dev.eventstore;

import org.jspecify.annotations.NullMarked;
