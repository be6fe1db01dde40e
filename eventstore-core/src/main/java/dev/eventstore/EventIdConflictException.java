package dev.eventstore;

import java.util.UUID;

/**
 * Thrown when an append reuses an event id in a way that is not a retry of what is
 * stored: some of the batch's ids are stored and some are not, an id is stored in another
 * stream, or with another type, data or metadata. Nothing of the append was stored.
 *
 * @since 0.2.0
 */
public class EventIdConflictException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final UUID eventId;

	public EventIdConflictException(UUID eventId, String message) {
		super(message);
		this.eventId = eventId;
	}

	/** The id that conflicts. */
	public UUID eventId() {
		return this.eventId;
	}

}
