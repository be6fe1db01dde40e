package dev.eventstore;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * The store's observers as one, plus the delivery of events to subscribers, which
 * isolates failures of both. Immutable, thread-safe.
 */
final class Observers {

	private static final System.Logger logger = System.getLogger(Observers.class.getName());

	private final List<EventStoreObserver> observers;

	Observers(List<EventStoreObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	/** Whether there is any observer to tell. */
	boolean any() {
		return !this.observers.isEmpty();
	}

	void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
		for (EventStoreObserver observer : this.observers) {
			try {
				observer.appended(events, stored, nanos);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Observer " + observer + " failed", ex);
			}
		}
	}

	void appendFailed(String streamId, RuntimeException failure, long nanos) {
		for (EventStoreObserver observer : this.observers) {
			try {
				observer.appendFailed(streamId, failure, nanos);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Observer " + observer + " failed", ex);
			}
		}
	}

	void personalDataErased(String subjectReference) {
		for (EventStoreObserver observer : this.observers) {
			try {
				observer.personalDataErased(subjectReference);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Observer " + observer + " failed", ex);
			}
		}
	}

	/**
	 * Calls a subscriber, logging and reporting what it throws instead of passing it on.
	 */
	void deliver(Consumer<StoredEvent> subscriber, StoredEvent event) {
		try {
			subscriber.accept(event);
		}
		catch (RuntimeException | Error thrown) {
			if (thrown instanceof VirtualMachineError) {
				throw thrown;
			}
			// What it says of the event's personal values stays out of the log.
			Throwable ex = event.redaction().apply(thrown);
			logger.log(Level.WARNING,
					"Subscriber " + subscriber + " failed on event at position " + event.position() + " ('"
							+ event.type() + "' in stream '" + event.streamId() + "'); the event counts as delivered",
					ex);
			for (EventStoreObserver observer : this.observers) {
				try {
					observer.subscriberFailed(event, thrown);
				}
				catch (RuntimeException observerFailure) {
					logger.log(Level.WARNING, "Observer " + observer + " failed", observerFailure);
				}
			}
		}
	}

}
