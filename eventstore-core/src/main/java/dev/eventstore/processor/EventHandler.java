package dev.eventstore.processor;

import dev.eventstore.StoredEvent;

/**
 * What a {@link Processor} calls for each event of the log, in position order, one at a
 * time, on the processor's own thread. Delivery is at-least-once: after a crash, the
 * events since the last saved checkpoint are delivered again, so a handler's effects
 * should be idempotent, or commit with the checkpoint (see {@link HandlerTransactions}).
 * A handler that throws is retried by the processor's {@link RetryPolicy}. The segments
 * of a segmented processor share its handler, each calling it on a thread of its own: the
 * handler of one must be thread-safe.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface EventHandler {

	/**
	 * Handles one event.
	 * @param event the event
	 * @param delivery whether it is a replay and which attempt this is
	 * @throws Exception to have the event retried, then the processor stopped at it
	 */
	void handle(StoredEvent event, Delivery delivery) throws Exception;

	/**
	 * Called on the processor's thread when an operator resets the processor, before any
	 * event is delivered again: a read model clears what it built. Does nothing by
	 * default.
	 * @param fromPosition the first position that will be delivered again
	 * @throws Exception to refuse the reset; the checkpoint then stays where it was
	 */
	default void reset(long fromPosition) throws Exception {
	}

}
