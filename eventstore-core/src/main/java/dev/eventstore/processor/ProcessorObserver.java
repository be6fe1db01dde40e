package dev.eventstore.processor;

import dev.eventstore.StoredEvent;

/**
 * Hears how a processor's handler fares, for metrics. Called on the processor's thread;
 * must be quick and must not throw.
 *
 * @since 0.2.0
 */
public interface ProcessorObserver {

	/**
	 * A handler handled an event.
	 * @param processor the processor's name
	 * @param event the event
	 * @param nanos how long the handler took, with its transaction
	 */
	default void handled(String processor, StoredEvent event, long nanos) {
	}

	/**
	 * A handler threw.
	 * @param processor the processor's name
	 * @param event the event
	 * @param attempt the attempt that failed
	 * @param failure what it threw, as thrown: it may quote the event's decrypted
	 * personal values, so log {@code event.redaction().apply(failure)} instead
	 */
	default void handlerFailed(String processor, StoredEvent event, int attempt, Throwable failure) {
	}

	/**
	 * An event was parked: its retries ran out, or it waits behind such an event of its
	 * stream.
	 * @param processor the processor's name
	 * @param event the parked event
	 */
	default void parked(String processor, ParkedEvent event) {
	}

	/**
	 * An operator discarded a parked event: it is not handled.
	 * @param processor the processor's name
	 * @param event the discarded event
	 */
	default void discarded(String processor, ParkedEvent event) {
	}

}
