package dev.eventstore;

import java.util.List;

import dev.eventstore.internal.Texts;

/**
 * Thrown when a conditional append finds events matching its condition's query after the
 * condition's position; nothing of the append was stored. Read again, decide again.
 *
 * @since 0.2.0
 */
public class AppendConditionFailedException extends ConcurrencyConflictException {

	private static final long serialVersionUID = 1L;

	/** The most conflicting positions an exception lists. */
	public static final int MAX_LISTED = 10;

	private final transient AppendCondition condition;

	private final List<Long> conflictingPositions;

	/**
	 * @param streamId the stream the append was aimed at
	 * @param condition the condition that failed
	 * @param conflictingPositions the first positions of matching events after the
	 * condition's position, at most {@value #MAX_LISTED}
	 * @param streamVersion the stream's version when the condition was checked
	 */
	public AppendConditionFailedException(String streamId, AppendCondition condition, List<Long> conflictingPositions,
			long streamVersion) {
		super(streamId, ExpectedVersion.any(), streamVersion,
				"Append condition failed on stream " + Texts.quote(streamId) + ": events matching " + condition.query()
						+ " exist after position " + condition.after() + " (at " + conflictingPositions
						+ "); nothing was stored");
		this.condition = condition;
		this.conflictingPositions = List.copyOf(conflictingPositions);
	}

	/** The condition that failed. */
	public AppendCondition condition() {
		return this.condition;
	}

	/**
	 * The first positions of events that match the condition's query after its position,
	 * in order, at most {@value #MAX_LISTED}.
	 * @return the positions
	 */
	public List<Long> conflictingPositions() {
		return this.conflictingPositions;
	}

}
