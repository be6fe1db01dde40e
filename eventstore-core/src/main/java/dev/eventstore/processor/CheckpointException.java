package dev.eventstore.processor;

import dev.eventstore.EventStoreException;

/**
 * A checkpoint that cannot be trusted: damaged, unreadable, pointing past the end of the
 * log, or moved by someone else since this process read it. A processor that meets one
 * stops instead of guessing where to resume; nothing is skipped.
 *
 * @since 0.2.0
 */
public class CheckpointException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	public CheckpointException(String message) {
		super(message);
	}

	public CheckpointException(String message, Throwable cause) {
		super(message, cause);
	}

}
