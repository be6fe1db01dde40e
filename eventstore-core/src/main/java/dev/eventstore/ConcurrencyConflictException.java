package dev.eventstore;

import dev.eventstore.internal.Texts;

/**
 * Thrown when an append's {@link ExpectedVersion} does not match the stream's actual
 * version; nothing of the append was stored.
 *
 * @since 0.1.0
 */
public class ConcurrencyConflictException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final String streamId;

	private final transient ExpectedVersion expectedVersion;

	private final long actualVersion;

	public ConcurrencyConflictException(String streamId, ExpectedVersion expectedVersion, long actualVersion) {
		super("Concurrency conflict on stream " + Texts.quote(streamId) + ": expected " + expectedVersion.describe()
				+ " but its version is " + actualVersion);
		this.streamId = streamId;
		this.expectedVersion = expectedVersion;
		this.actualVersion = actualVersion;
	}

	/**
	 * A conflict with a message of its own, for subclasses.
	 * @param streamId the stream the append was aimed at
	 * @param expectedVersion what the caller expected
	 * @param actualVersion the stream's version when the append was checked
	 * @param message the message
	 */
	protected ConcurrencyConflictException(String streamId, ExpectedVersion expectedVersion, long actualVersion,
			String message) {
		super(message);
		this.streamId = streamId;
		this.expectedVersion = expectedVersion;
		this.actualVersion = actualVersion;
	}

	/** The stream the append was aimed at. */
	public String streamId() {
		return this.streamId;
	}

	/** What the caller expected. */
	public ExpectedVersion expectedVersion() {
		return this.expectedVersion;
	}

	/** The stream's version when the append was checked (0 for an empty stream). */
	public long actualVersion() {
		return this.actualVersion;
	}

}
