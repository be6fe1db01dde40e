package dev.eventstore.journal.file;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.eventstore.EventQuery;
import dev.eventstore.journal.support.Postings;
import dev.eventstore.journal.support.QueryIndex;

/**
 * The positions of each event type and tag of a file journal's whole log, as of one
 * layout: the sealed segments' postings (on disk, or in the heap where a file could not
 * be written) and the active part's in the heap, which the group writer adds to.
 * Immutable but for the active part; a seal makes the next one.
 */
final class LogQueries {

	/** Postings of positions [first, last]. */
	record Part(long first, long last, Postings postings) {
	}

	private final List<Part> sealed;

	/** The positions after the sealed parts': its base is the last sealed position. */
	private final QueryIndex active;

	LogQueries(List<Part> sealed, QueryIndex active) {
		this.sealed = List.copyOf(sealed);
		this.active = active;
	}

	/** Records an appended event; for the writer only, in position order. */
	void add(long position, String type, Set<String> tags) {
		this.active.add(position, type, tags);
	}

	/** The heap part, for the writer and for sealing. */
	QueryIndex active() {
		return this.active;
	}

	long activeFirst() {
		return this.active.base() + 1;
	}

	List<Part> sealed() {
		return this.sealed;
	}

	/**
	 * This with positions [activeFirst, last] sealed into a part, and a new heap part.
	 */
	LogQueries sealedUpTo(long last, Postings postings) {
		List<Part> parts = new ArrayList<>(this.sealed);
		parts.add(new Part(activeFirst(), last, postings));
		return new LogQueries(parts, new QueryIndex(last));
	}

	/**
	 * The positions after {@code after} and at most {@code upTo} of events matching the
	 * query, ascending, at most {@code limit}: part by part, stopping once enough are
	 * found.
	 */
	long[] matching(EventQuery query, long after, long upTo, int limit) {
		long last = Math.max(this.active.lastPosition(),
				this.sealed.isEmpty() ? 0 : this.sealed.get(this.sealed.size() - 1).last());
		long end = Math.min(upTo, last);
		if (limit <= 0 || end <= after) {
			return new long[0];
		}
		if (query.matchesAll()) {
			return QueryIndex.matching(this.active, query, after, end, limit);
		}
		long[] found = new long[0];
		for (Part part : this.sealed) {
			if (part.last() <= after || found.length >= limit) {
				continue;
			}
			if (part.first() > end) {
				break;
			}
			found = concat(found, QueryIndex.matching(part.postings(), query, Math.max(after, part.first() - 1),
					Math.min(end, part.last()), limit - found.length));
		}
		if (found.length < limit && end >= activeFirst()) {
			found = concat(found, QueryIndex.matching(this.active, query, Math.max(after, activeFirst() - 1), end,
					limit - found.length));
		}
		return found;
	}

	private static long[] concat(long[] a, long[] b) {
		if (a.length == 0) {
			return b;
		}
		if (b.length == 0) {
			return a;
		}
		long[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

}
