package dev.eventstore.processor;

/**
 * How an event reaches a handler.
 *
 * @param replay whether the processor had handled this position before an operator reset
 * it: the event is being delivered again, not for the first time
 * @param attempt the attempt, 1 for the first delivery, more when the handler threw
 * @param segment the segment delivering it, from 0
 * @param segments how many segments the processor has (1 unless split,
 * {@link ProcessorSegments})
 * @since 0.2.0
 */
public record Delivery(boolean replay, int attempt, int segment, int segments) {

	public Delivery {
		if (attempt < 1) {
			throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
		}
		if (segments < 1 || segment < 0 || segment >= segments) {
			throw new IllegalArgumentException(
					"segment must be from 0 to segments - 1, was " + segment + " of " + segments);
		}
	}

	/**
	 * A delivery by a processor of one segment.
	 * @param replay whether the event is delivered again after a reset
	 * @param attempt the attempt, from 1
	 */
	public Delivery(boolean replay, int attempt) {
		this(replay, attempt, 0, 1);
	}

	/**
	 * Whether a stream's events are this segment's. Every segment gets the erasures'
	 * {@code PersonalDataErased} events: a handler of them may limit its work to the
	 * copies of its own segment's streams, which no other segment writes.
	 * @param streamId the stream
	 * @return whether this segment handles its events
	 */
	public boolean owns(String streamId) {
		return ProcessorSegments.of(streamId, this.segments) == this.segment;
	}

}
