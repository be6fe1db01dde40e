package dev.eventstore.processor;

/**
 * A handler whose work for an event may still be under way when {@link #handle} returns,
 * such as a send to a message broker that is acknowledged later: many events are in
 * flight at once, and {@link #flush()} waits for them. The processor calls
 * {@code flush()} before every checkpoint save, so a saved checkpoint never covers an
 * event whose work has not completed; when {@code flush()} throws, nothing is saved and
 * the processor goes back to its last saved checkpoint and delivers the events after it
 * again, waiting between tries as its {@link RetryPolicy} says (the tries count as the
 * attempts of the first event after the checkpoint), and stops there when they are used
 * up. Delivery stays at-least-once: work in flight at a crash or a failed flush is done
 * again. A segmented processor's segments share the handler, each on its own thread:
 * {@code flush()} answers for the events handled on the thread that calls it, and only
 * for those (another segment's failure is that segment's to deliver again).
 *
 * <p>
 * A pipelined handler's effects cannot commit with the checkpoint, so a processor with
 * {@link HandlerTransactions} refuses one.
 *
 * @since 0.2.0
 */
public interface PipelinedEventHandler extends EventHandler {

	/**
	 * Returns once the work of every event handled so far on the calling thread has
	 * completed.
	 * @throws Exception if some of it failed or did not complete in the handler's own
	 * time limit; the processor then delivers again the events after its last checkpoint
	 */
	void flush() throws Exception;

}
