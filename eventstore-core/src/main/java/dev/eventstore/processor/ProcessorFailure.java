package dev.eventstore.processor;

import java.time.Instant;

import dev.eventstore.internal.Texts;
import dev.eventstore.personal.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * Why a processor is {@link ProcessorState#FAILED}: the event its handler gave up on, or
 * the checkpoint it could not trust.
 *
 * @param position the position of the event it stopped at (its checkpoint is the one
 * before), or the first position it would deliver when the checkpoint is the problem
 * @param streamId the event's stream, null when the checkpoint is the problem
 * @param type the event's type, null when the checkpoint is the problem
 * @param error the exception's class and message
 * @param attempts how many times the handler was called for the event, 0 for a checkpoint
 * problem
 * @param at when the processor gave up
 * @since 0.2.0
 */
public record ProcessorFailure(long position, @Nullable String streamId, @Nullable String type, String error,
		int attempts, Instant at) {

	/**
	 * Whether an event failed, which an operator may skip, rather than the checkpoint.
	 */
	public boolean isEventFailure() {
		return this.streamId != null;
	}

	static String describe(Throwable failure) {
		return describe(failure, Redaction.none());
	}

	/**
	 * The failure's class and message, without the personal values of the event it failed
	 * on, and cut to its first 1,000 characters (an exception may quote a whole
	 * response): an error is logged, shown by endpoints and stored with parked events.
	 */
	static String describe(Throwable failure, Redaction redaction) {
		String message = redaction.apply(failure.getMessage());
		return Texts.abbreviate(failure.getClass().getName() + ((message != null) ? ": " + message : ""));
	}

}
