package dev.eventstore.processor;

/**
 * What a processor does with an event once its handler's {@link RetryPolicy} is used up.
 *
 * @since 0.2.0
 */
public enum RetriesExhausted {

	/**
	 * The processor (the event's segment) stops at the event,
	 * {@link ProcessorState#FAILED}, until an operator resumes, skips or resets it:
	 * nothing after it is handled.
	 */
	STOP,

	/**
	 * The event is {@linkplain ParkedEvent parked} and the processor goes on; every later
	 * event of the same stream is parked behind it, in order, so a stream's order holds,
	 * while other streams' events are handled. Parked events are kept with the
	 * checkpoints and survive restarts; an operator retries or discards them.
	 */
	PARK

}
