package dev.eventstore;

import java.util.List;

/**
 * What a read by {@link EventQuery} found, and the log position it reflects: every
 * matching event at or below {@link #position()} (and, for a paged read, at or after its
 * first position) is in {@link #events()}. Append with
 * {@link AppendCondition#failIfEventsMatch(EventQuery, long)} after that position to make
 * a decision on this result safe against every concurrent writer.
 *
 * @param events the matching events, in position order
 * @param position the log position the result is consistent with
 * @since 0.2.0
 */
public record QueryResult(List<StoredEvent> events, long position) {

	public QueryResult {
		events = List.copyOf(events);
		if (position < 0) {
			throw new IllegalArgumentException("A query result's position must be >= 0, was " + position);
		}
	}

}
