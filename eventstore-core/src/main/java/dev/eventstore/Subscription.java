package dev.eventstore;

/**
 * A registered subscriber; closing it stops delivery. Closing is idempotent.
 *
 * @since 0.1.0
 */
public interface Subscription extends AutoCloseable {

	/** Stops delivery; after it returns the subscriber receives no further event. */
	@Override
	void close();

	/** Whether {@link #close()} was called or the store was closed. */
	boolean isClosed();

}
