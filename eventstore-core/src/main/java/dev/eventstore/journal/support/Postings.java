package dev.eventstore.journal.support;

import org.jspecify.annotations.Nullable;

/**
 * Where the positions of each event type and tag of part of a log are found: in the heap
 * ({@link QueryIndex}) or in a sealed segment's file.
 *
 * @since 0.2.0
 */
public interface Postings {

	/**
	 * The positions of a type's events.
	 * @param type the type
	 * @return them, ascending, or null when none has the type
	 */
	@Nullable PositionList type(String type);

	/**
	 * The positions of a tag's events.
	 * @param tag the tag
	 * @return them, ascending, or null when none has the tag
	 */
	@Nullable PositionList tag(String tag);

	/** An ascending list of positions, as of when it was looked up. */
	interface PositionList {

		/** How many positions it holds: cheap, known before the positions are read. */
		int size();

		/**
		 * A position.
		 * @param index its index, below {@link #size()}
		 * @return the position
		 */
		long get(int index);

		/**
		 * Where a position is, by binary search.
		 * @param position the position
		 * @return its index if held, else {@code -(insertion point) - 1}, as
		 * {@link java.util.Arrays#binarySearch(long[], long)} answers
		 */
		default int indexOf(long position) {
			int low = 0;
			int high = size() - 1;
			while (low <= high) {
				int middle = (low + high) >>> 1;
				long value = get(middle);
				if (value < position) {
					low = middle + 1;
				}
				else if (value > position) {
					high = middle - 1;
				}
				else {
					return middle;
				}
			}
			return -(low + 1);
		}

	}

}
