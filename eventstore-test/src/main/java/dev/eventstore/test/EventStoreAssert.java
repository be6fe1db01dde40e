package dev.eventstore.test;

import dev.eventstore.EventStore;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an {@link EventStore}: its last position, and each stream through
 * {@link #stream(String)}.
 *
 * @since 0.2.0
 */
public final class EventStoreAssert extends AbstractAssert<EventStoreAssert, EventStore> {

	EventStoreAssert(EventStore actual) {
		super(actual, EventStoreAssert.class);
	}

	/**
	 * Assertions on one stream's events, read now.
	 * @param streamId the stream
	 * @return the assertions
	 */
	public StreamAssert stream(String streamId) {
		isNotNull();
		return new StreamAssert(streamId, this.actual.readStream(streamId));
	}

	/**
	 * Verifies the position of the last stored event.
	 * @param position the expected position, 0 for an empty store
	 * @return this
	 */
	public EventStoreAssert hasLastPosition(long position) {
		isNotNull();
		long actualPosition = this.actual.lastPosition();
		if (actualPosition != position) {
			failWithMessage("Expected the store's last position to be %d but was %d", position, actualPosition);
		}
		return this;
	}

	/** Verifies that the store holds no event. */
	public EventStoreAssert isEmpty() {
		return hasLastPosition(0);
	}

}
