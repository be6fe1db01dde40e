package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import dev.eventstore.EventQuery;
import org.jspecify.annotations.Nullable;

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
public final class QueryIndex implements Postings {

	private static final long[] NONE = new long[0];

	private final Map<String, Positions> byType = new ConcurrentHashMap<>();

	private final Map<String, Positions> byTag = new ConcurrentHashMap<>();

	/** Every position, for a query that matches every event: its count. */
	private volatile long last;

	/** What each stored offset is added to: positions are kept as ints from it. */
	private final long base;

	/** An index of positions from 1. */
	public QueryIndex() {
		this(0);
	}

	/**
	 * An index of positions after {@code base}, which it keeps as four-byte offsets from
	 * it: fewer than 2^31 positions after it.
	 * @param base the position before the first
	 */
	public QueryIndex(long base) {
		this.base = base;
	}

	/**
	 * Records an event; positions come in ascending order. For the writer only.
	 * @param position its position
	 * @param type its type
	 * @param tags its tags
	 */
	public void add(long position, String type, Set<String> tags) {
		long offset = position - this.base;
		if (offset <= 0 || offset > Integer.MAX_VALUE) {
			throw new IllegalStateException(
					"Position " + position + " is outside the range this index of types and tags " + "keeps, ("
							+ this.base + ", " + (this.base + Integer.MAX_VALUE) + "]");
		}
		this.byType.computeIfAbsent(type, (t) -> new Positions(this.base)).add((int) offset);
		for (String tag : tags) {
			this.byTag.computeIfAbsent(tag, (t) -> new Positions(this.base)).add((int) offset);
		}
		this.last = position;
	}

	/** The position before the first it can hold. */
	public long base() {
		return this.base;
	}

	/** The last position recorded, 0 when none. */
	public long lastPosition() {
		return this.last;
	}

	@Override
	public @Nullable PositionList type(String type) {
		Positions positions = this.byType.get(type);
		return (positions != null) ? positions.now() : null;
	}

	@Override
	public @Nullable PositionList tag(String tag) {
		Positions positions = this.byTag.get(tag);
		return (positions != null) ? positions.now() : null;
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
		return matching(this, query, after, Math.min(upTo, this.last), limit);
	}

	/**
	 * The positions after {@code after} and at most {@code upTo} of events matching the
	 * query, ascending, at most {@code limit} of them, in the given postings: every event
	 * in (after, upTo] must be in them.
	 * @param postings where types and tags are looked up
	 * @param query the query
	 * @param after the position after which to look
	 * @param upTo the last position to consider
	 * @param limit the most positions to return
	 * @return the positions
	 */
	public static long[] matching(Postings postings, EventQuery query, long after, long upTo, int limit) {
		if (limit <= 0 || upTo <= after) {
			return NONE;
		}
		if (query.matchesAll()) {
			long count = Math.max(0, Math.min(limit, upTo - after));
			long[] all = new long[(int) count];
			for (int i = 0; i < all.length; i++) {
				all[i] = after + 1 + i;
			}
			return all;
		}
		List<EventQuery.Item> items = query.items();
		if (items.size() == 1) {
			return matching(postings, items.get(0), after, upTo, limit);
		}
		// Each item's first matches, merged: the union's first are among them.
		long[] merged = NONE;
		for (EventQuery.Item item : items) {
			merged = union(merged, matching(postings, item, after, upTo, limit), limit);
		}
		return merged;
	}

	private static long[] matching(Postings postings, EventQuery.Item item, long after, long upTo, int limit) {
		if (item.tags().size() == 1 && item.types().size() <= 1) {
			return matchingOne(postings, item, after, upTo, limit);
		}
		List<PositionList> tagLists = new ArrayList<>(item.tags().size());
		for (String tag : item.tags()) {
			PositionList positions = postings.tag(tag);
			if (positions == null) {
				return NONE;
			}
			tagLists.add(positions);
		}
		List<PositionList> typeLists = new ArrayList<>(item.types().size());
		long typeCount = 0;
		for (String type : item.types()) {
			PositionList positions = postings.type(type);
			if (positions != null) {
				typeLists.add(positions);
				typeCount += positions.size();
			}
		}
		if (!item.types().isEmpty() && typeLists.isEmpty()) {
			return NONE;
		}
		PositionList shortest = null;
		for (PositionList positions : tagLists) {
			if (shortest == null || positions.size() < shortest.size()) {
				shortest = positions;
			}
		}
		if (shortest == null || (!typeLists.isEmpty() && typeCount < shortest.size())) {
			// The types' lists drive: merge them, checking the tags on each.
			long[] found = NONE;
			for (PositionList type : typeLists) {
				found = union(found, filtered(type, after, upTo, limit, tagLists, List.of()), limit);
			}
			return found;
		}
		List<PositionList> others = new ArrayList<>(tagLists);
		others.remove(shortest);
		return filtered(shortest, after, upTo, limit, others, typeLists);
	}

	/**
	 * An item of one tag and at most one type, the shape of most conditions: no lists
	 * built, the shorter of the two drives and the other is checked.
	 */
	private static long[] matchingOne(Postings postings, EventQuery.Item item, long after, long upTo, int limit) {
		PositionList tag = postings.tag(item.tags().iterator().next());
		if (tag == null) {
			return NONE;
		}
		if (item.types().isEmpty()) {
			return filtered(tag, after, upTo, limit, List.of(), List.of());
		}
		PositionList type = postings.type(item.types().iterator().next());
		if (type == null) {
			return NONE;
		}
		return (tag.size() <= type.size()) ? filtered(tag, after, upTo, limit, List.of(type), List.of())
				: filtered(type, after, upTo, limit, List.of(tag), List.of());
	}

	/** The first {@code limit} positions of two ascending arrays together. */
	static long[] union(long[] a, long[] b, int limit) {
		if (a.length == 0) {
			return (b.length <= limit) ? b : Arrays.copyOf(b, limit);
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

	/**
	 * A list's positions in (after, upTo] that every one of {@code all} holds and, when
	 * {@code any} is not empty, one of {@code any} holds.
	 */
	private static long[] filtered(PositionList list, long after, long upTo, int limit, List<PositionList> all,
			List<PositionList> any) {
		int n = list.size();
		if (n == 0 || list.get(n - 1) <= after) {
			return NONE;
		}
		int from = list.indexOf(after + 1);
		from = (from >= 0) ? from : -(from + 1);
		long[] found = new long[Math.min(limit, Math.max(0, n - from))];
		int count = 0;
		for (int i = from; i < n && count < found.length; i++) {
			long position = list.get(i);
			if (position > upTo) {
				break;
			}
			if (holdsAll(all, position) && holdsAny(any, position)) {
				found[count++] = position;
			}
		}
		return (count == found.length) ? found : Arrays.copyOf(found, count);
	}

	private static boolean holdsAll(List<PositionList> lists, long position) {
		for (PositionList list : lists) {
			if (list.indexOf(position) < 0) {
				return false;
			}
		}
		return true;
	}

	private static boolean holdsAny(List<PositionList> lists, long position) {
		if (lists.isEmpty()) {
			return true;
		}
		for (PositionList list : lists) {
			if (list.indexOf(position) >= 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Every type's and tag's positions in [from, to], for a sealed segment's file.
	 * @param from the first position
	 * @param to the last position
	 * @param types receives each type's positions
	 * @param tags receives each tag's positions
	 */
	public void each(long from, long to, BiConsumer<String, long[]> types, BiConsumer<String, long[]> tags) {
		this.byType.forEach((type, positions) -> {
			long[] range = positions.range(from, to);
			if (range.length > 0) {
				types.accept(type, range);
			}
		});
		this.byTag.forEach((tag, positions) -> {
			long[] range = positions.range(from, to);
			if (range.length > 0) {
				tags.accept(tag, range);
			}
		});
	}

	/** Positions recorded in all: eight bytes each in the heap. */
	public long occurrences() {
		long count = 0;
		for (Positions positions : this.byType.values()) {
			count += positions.size();
		}
		for (Positions positions : this.byTag.values()) {
			count += positions.size();
		}
		return count;
	}

	/**
	 * An ascending list of positions, one writer, lock-free readers: four bytes each (an
	 * offset from the index's base), grown by half when full.
	 */
	private static final class Positions {

		private final long base;

		private volatile int[] values = new int[4];

		private volatile int size;

		Positions(long base) {
			this.base = base;
		}

		void add(int offset) {
			int n = this.size;
			int[] array = this.values;
			if (n == array.length) {
				array = Arrays.copyOf(array, n + (n >> 1) + 1);
				this.values = array;
			}
			array[n] = offset;
			this.size = n + 1;
		}

		int size() {
			return this.size;
		}

		/**
		 * The list as of now: its size read before its array, which holds at least that
		 * many (it is only ever replaced by a longer copy).
		 */
		PositionList now() {
			int n = this.size;
			int[] array = this.values;
			return new Snapshot(array, n, this.base);
		}

		long[] range(long from, long to) {
			PositionList list = now();
			int start = list.indexOf(from);
			start = (start >= 0) ? start : -(start + 1);
			int end = list.indexOf(to);
			end = (end >= 0) ? end + 1 : -(end + 1);
			long[] range = new long[Math.max(0, end - start)];
			for (int i = 0; i < range.length; i++) {
				range[i] = list.get(start + i);
			}
			return range;
		}

	}

	private record Snapshot(int[] values, int size, long base) implements PositionList {

		@Override
		public long get(int index) {
			return this.base + this.values[index];
		}

	}

}
