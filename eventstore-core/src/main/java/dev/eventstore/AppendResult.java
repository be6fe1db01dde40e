package dev.eventstore;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * What an append stored: the stored events, in order, on consecutive positions, and
 * whether the append was a retry of one already stored. A retry ({@link #isDuplicate()})
 * wrote nothing and notified nobody; its events are the ones the first try stored, with
 * their original positions, versions and timestamps. Immutable; equal to any list of the
 * same events.
 *
 * @since 0.2.0
 */
public final class AppendResult extends AbstractList<StoredEvent> implements RandomAccess {

	private static final AppendResult EMPTY = new AppendResult(List.of(), false);

	private final List<StoredEvent> events;

	private final boolean duplicate;

	private AppendResult(List<StoredEvent> events, boolean duplicate) {
		this.events = List.copyOf(events);
		this.duplicate = duplicate;
	}

	/**
	 * The result of an append that stored its events.
	 * @param events the stored events
	 * @return the result
	 */
	public static AppendResult stored(List<StoredEvent> events) {
		return events.isEmpty() ? EMPTY : new AppendResult(events, false);
	}

	/**
	 * The result of a retry whose events were already stored.
	 * @param events the events the first try stored
	 * @return the result
	 */
	public static AppendResult duplicate(List<StoredEvent> events) {
		return new AppendResult(events, true);
	}

	/**
	 * Whether every event of the append was already stored by an earlier try with the
	 * same ids, so that nothing was written.
	 * @return true for a recognised retry
	 */
	public boolean isDuplicate() {
		return this.duplicate;
	}

	@Override
	public StoredEvent get(int index) {
		return this.events.get(index);
	}

	@Override
	public int size() {
		return this.events.size();
	}

}
