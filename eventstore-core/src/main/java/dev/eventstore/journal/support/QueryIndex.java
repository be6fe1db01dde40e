package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstore.EventQuery;

/**
 * Which positions hold which event types and tags: a sorted list of positions for each
 * type and each tag, so that a query touches only the positions that can match, never the
 * log. A query item's candidates come from its shortest list (one of its tags', or its
 * types' together), each checked against the item's other lists by binary search.
 *
 * <p>
 * One writer adds positions in ascending order; readers read concurrently without a lock,
 * up to a position the writer published (the journal's committed position): a list
 * publishes its array before its size, so a reader never sees a size its array does not
 * hold. About 8 bytes an occurrence of a type or tag, plus one entry a distinct type or
 * tag.
 *
 * @since 0.2.0
 */
public final class QueryIndex {

	private static final long[] NONE = new long[0];

	private final Map<String, Positions> byType = new ConcurrentHashMap<>();

	private final Map<String, Positions> byTag = new ConcurrentHashMap<>();

	/** Every position, for a query that matches every event: its count. */
	private volatile long last;

	/**
	 * Records an event; positions come in ascending order. For the writer only.
	 * @param position its position
	 * @param type its type
	 * @param tags its tags
	 */
	public void add(long position, String type, Set<String> tags) {
		this.byType.computeIfAbsent(type, (t) -> new Positions()).add(position);
		for (String tag : tags) {
			this.byTag.computeIfAbsent(tag, (t) -> new Positions()).add(position);
		}
		this.last = position;
	}

	/** The last position recorded, 0 when none. */
	public long lastPosition() {
		return this.last;
	}

	/**
	 * The positions after {@code after} and at most {@code upTo} of events matching the
	 * query, ascending, at most {@code limit} of them.
	 * @param query the query
	 * @param after the position after which to look
	 * @param upTo the last position to consider (the committed one)
	 * @param limit the most positions to return
	 * @return the positions
	 */
	public long[] matching(EventQuery query, long after, long upTo, int limit) {
		if (limit <= 0 || upTo <= after) {
			return new long[0];
		}
		if (query.matchesAll()) {
			long count = Math.max(0, Math.min(limit, Math.min(upTo, this.last) - after));
			long[] all = new long[(int) count];
			for (int i = 0; i < all.length; i++) {
				all[i] = after + 1 + i;
			}
			return all;
		}
		List<EventQuery.Item> items = query.items();
		if (items.size() == 1) {
			return matching(items.get(0), after, upTo, limit);
		}
		// Each item's first matches, merged: the union's first are among them.
		long[] merged = new long[0];
		for (EventQuery.Item item : items) {
			merged = union(merged, matching(item, after, upTo, limit), limit);
		}
		return merged;
	}

	private long[] matching(EventQuery.Item item, long after, long upTo, int limit) {
		if (item.tags().size() == 1 && item.types().size() <= 1) {
			return matchingOne(item, after, upTo, limit);
		}
		List<Positions> tagLists = new ArrayList<>(item.tags().size());
		for (String tag : item.tags()) {
			Positions positions = this.byTag.get(tag);
			if (positions == null) {
				return new long[0];
			}
			tagLists.add(positions);
		}
		List<Positions> typeLists = new ArrayList<>(item.types().size());
		long typeCount = 0;
		for (String type : item.types()) {
			Positions positions = this.byType.get(type);
			if (positions != null) {
				typeLists.add(positions);
				typeCount += positions.size();
			}
		}
		if (!item.types().isEmpty() && typeLists.isEmpty()) {
			return new long[0];
		}
		Positions shortest = null;
		for (Positions positions : tagLists) {
			if (shortest == null || positions.size() < shortest.size()) {
				shortest = positions;
			}
		}
		if (shortest == null || (!typeLists.isEmpty() && typeCount < shortest.size())) {
			// The types' lists drive: merge them, checking the tags on each.
			long[] found = new long[0];
			for (Positions type : typeLists) {
				found = union(found, type.filtered(after, upTo, limit, tagLists, List.of()), limit);
			}
			return found;
		}
		List<Positions> others = new ArrayList<>(tagLists);
		others.remove(shortest);
		return shortest.filtered(after, upTo, limit, others, typeLists);
	}

	/**
	 * An item of one tag and at most one type, the shape of most conditions: no lists
	 * built, the shorter of the two drives and the other is checked.
	 */
	private long[] matchingOne(EventQuery.Item item, long after, long upTo, int limit) {
		Positions tag = this.byTag.get(item.tags().iterator().next());
		if (tag == null) {
			return NONE;
		}
		if (item.types().isEmpty()) {
			return tag.filtered(after, upTo, limit, List.of(), List.of());
		}
		Positions type = this.byType.get(item.types().iterator().next());
		if (type == null) {
			return NONE;
		}
		return (tag.size() <= type.size()) ? tag.filtered(after, upTo, limit, List.of(type), List.of())
				: type.filtered(after, upTo, limit, List.of(tag), List.of());
	}

	/** The first {@code limit} positions of two ascending arrays together. */
	private static long[] union(long[] a, long[] b, int limit) {
		if (a.length == 0) {
			return b;
		}
		long[] out = new long[Math.min(limit, a.length + b.length)];
		int i = 0;
		int j = 0;
		int n = 0;
		while (n < out.length && (i < a.length || j < b.length)) {
			long next;
			if (j >= b.length || (i < a.length && a[i] <= b[j])) {
				next = a[i++];
				if (j < b.length && b[j] == next) {
					j++;
				}
			}
			else {
				next = b[j++];
			}
			out[n++] = next;
		}
		return (n == out.length) ? out : Arrays.copyOf(out, n);
	}

	/** An ascending list of positions, one writer, lock-free readers. */
	private static final class Positions {

		private volatile long[] values = new long[4];

		private volatile int size;

		void add(long position) {
			int n = this.size;
			long[] array = this.values;
			if (n == array.length) {
				array = Arrays.copyOf(array, n * 2);
				this.values = array;
			}
			array[n] = position;
			this.size = n + 1;
		}

		int size() {
			return this.size;
		}

		boolean contains(long[] array, int n, long position) {
			return Arrays.binarySearch(array, 0, n, position) >= 0;
		}

		/**
		 * This list's positions in (after, upTo] that every one of {@code all} holds and,
		 * when {@code any} is not empty, one of {@code any} holds.
		 */
		long[] filtered(long after, long upTo, int limit, List<Positions> all, List<Positions> any) {
			int n = this.size;
			long[] array = this.values;
			if (n == 0 || array[n - 1] <= after) {
				return NONE;
			}
			int from = Arrays.binarySearch(array, 0, n, after + 1);
			from = (from >= 0) ? from : -(from + 1);
			long[] found = new long[Math.min(limit, Math.max(0, n - from))];
			int count = 0;
			for (int i = from; i < n && count < found.length; i++) {
				long position = array[i];
				if (position > upTo) {
					break;
				}
				if (holdsAll(all, position) && holdsAny(any, position)) {
					found[count++] = position;
				}
			}
			return (count == found.length) ? found : Arrays.copyOf(found, count);
		}

		private static boolean holdsAll(List<Positions> lists, long position) {
			for (Positions list : lists) {
				int n = list.size;
				if (!list.contains(list.values, n, position)) {
					return false;
				}
			}
			return true;
		}

		private static boolean holdsAny(List<Positions> lists, long position) {
			if (lists.isEmpty()) {
				return true;
			}
			for (Positions list : lists) {
				int n = list.size;
				if (list.contains(list.values, n, position)) {
					return true;
				}
			}
			return false;
		}

	}

}
