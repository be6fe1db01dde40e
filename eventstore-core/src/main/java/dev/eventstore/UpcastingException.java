package dev.eventstore;

/**
 * Thrown when an upcaster fails on a stored event: the read fails, names the event and
 * the upcaster, and the store stays usable.
 *
 * @since 0.2.0
 */
public class UpcastingException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final long position;

	public UpcastingException(long position, String message, Throwable cause) {
		super(message, cause);
		this.position = position;
	}

	/** The position of the event that could not be upcast. */
	public long position() {
		return this.position;
	}

}
