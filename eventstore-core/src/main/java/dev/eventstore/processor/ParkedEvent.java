package dev.eventstore.processor;

import java.time.Instant;
import java.util.Objects;

/**
 * An event a processor set aside: its handler failed on it with every retry used
 * ({@code attempts > 0}), or it waits behind such an event of its stream
 * ({@code attempts == 0}, never handed to the handler). Immutable.
 *
 * @param position the event's position
 * @param streamId its stream
 * @param type its type
 * @param attempts how many times the handler was called for it; 0 for an event held
 * behind an earlier one of its stream
 * @param error the last exception's class and message, or why it is held
 * @param parkedAt when it was parked, or last retried
 * @since 0.2.0
 */
public record ParkedEvent(long position, String streamId, String type, int attempts, String error, Instant parkedAt) {

	public ParkedEvent {
		if (position < 1) {
			throw new IllegalArgumentException("A parked event's position is at least 1, was " + position);
		}
		Objects.requireNonNull(streamId, "streamId");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(error, "error");
		Objects.requireNonNull(parkedAt, "parkedAt");
		if (attempts < 0) {
			throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
		}
	}

}
