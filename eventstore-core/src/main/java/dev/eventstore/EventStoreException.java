package dev.eventstore;

/**
 * Root of every exception the event store throws; all are unchecked.
 *
 * @since 0.1.0
 */
public class EventStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public EventStoreException(String message) {
		super(message);
	}

	public EventStoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
