package dev.eventstore;

import java.util.List;
import java.util.function.Consumer;

/**
 * Delivers stored events to live subscribers, synchronously, in position order, once
 * each.
 */
interface Dispatcher {

	Subscription subscribe(Consumer<StoredEvent> subscriber);

	/**
	 * Called after an append stored {@code batch}; returns once live subscribers have it
	 * (or at once when called from inside a subscriber, or when the batch is not yet
	 * committed).
	 */
	void publish(List<StoredEvent> batch);

	/** Ends every subscription and any thread of the dispatcher's. */
	void close();

}
