package dev.eventstore;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * A live subscriber as a dispatcher holds it: from which position it receives events, and
 * whether it still does. Closing removes it from its dispatcher's list. Thread-safe.
 */
final class LiveSubscription implements Subscription {

	final Consumer<StoredEvent> subscriber;

	/** The first position this subscription receives. */
	private final long from;

	private final Collection<LiveSubscription> registry;

	private volatile boolean closed;

	LiveSubscription(Consumer<StoredEvent> subscriber, long from, Collection<LiveSubscription> registry) {
		this.subscriber = subscriber;
		this.from = from;
		this.registry = registry;
	}

	/** The first position this subscription receives. */
	long from() {
		return this.from;
	}

	/** Whether this subscription is to receive the event. */
	boolean wants(StoredEvent event) {
		return !this.closed && event.position() >= this.from;
	}

	@Override
	public void close() {
		this.closed = true;
		this.registry.remove(this);
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public String toString() {
		return "LiveSubscription[" + this.subscriber + ", from position " + this.from + "]";
	}

}
