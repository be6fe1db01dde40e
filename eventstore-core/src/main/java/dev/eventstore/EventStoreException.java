package dev.eventstore;

/**
 * Root of every exception the event store throws; all are unchecked.
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
