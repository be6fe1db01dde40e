package dev.eventstore;

/**
 * The guard of a conditional append: it fails if an event matching {@link #query()}
 * exists at a position greater than {@link #after()}. A decision read with
 * {@link EventStore#read(EventQuery)} appends with
 * {@code failIfEventsMatch(query, result.position())}: the append then succeeds only if
 * nothing the decision depended on happened since, whichever stream it went to. Checked
 * atomically with the write on every journal. Immutable.
 *
 * @param query the events that would invalidate the decision
 * @param after the position the decision's read reflects; 0 when no matching event may
 * exist at all
 * @since 0.2.0
 */
public record AppendCondition(EventQuery query, long after) {

	public AppendCondition {
		if (query == null) {
			throw new IllegalArgumentException("An append condition needs a query");
		}
		if (after < 0) {
			throw new IllegalArgumentException("An append condition's position must be >= 0, was " + after);
		}
	}

	/**
	 * Fails the append if an event matching the query exists after the given position.
	 * @param query the query
	 * @param after the position the decision's read reflects
	 * ({@link QueryResult#position()})
	 * @return the condition
	 */
	public static AppendCondition failIfEventsMatch(EventQuery query, long after) {
		return new AppendCondition(query, after);
	}

	/**
	 * Fails the append if any event matching the query exists.
	 * @param query the query
	 * @return the condition
	 */
	public static AppendCondition failIfEventsMatch(EventQuery query) {
		return new AppendCondition(query, 0);
	}

}
