package dev.eventstore.snapshot;

import dev.eventstore.EventStoreException;

/**
 * A stored snapshot that cannot be read back (torn, edited, not JSON). Loading ignores it
 * with a warning and replays the stream.
 *
 * @since 0.2.0
 */
public class CorruptSnapshotException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	public CorruptSnapshotException(String message) {
		super(message);
	}

	public CorruptSnapshotException(String message, Throwable cause) {
		super(message, cause);
	}

}
