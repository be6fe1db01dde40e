package dev.eventstore.processor;

/**
 * How an event reaches a handler.
 *
 * @param replay whether the processor had handled this position before an operator reset
 * it: the event is being delivered again, not for the first time
 * @param attempt the attempt, 1 for the first delivery, more when the handler threw
 * @since 0.2.0
 */
public record Delivery(boolean replay, int attempt) {

	static final Delivery FIRST = new Delivery(false, 1);

	static final Delivery FIRST_REPLAY = new Delivery(true, 1);

	public Delivery {
		if (attempt < 1) {
			throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
		}
	}

	static Delivery of(boolean replay, int attempt) {
		if (attempt == 1) {
			return replay ? FIRST_REPLAY : FIRST;
		}
		return new Delivery(replay, attempt);
	}

}
