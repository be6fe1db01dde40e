package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

import org.jspecify.annotations.Nullable;

/**
 * Picks one page of stream ids, in id order, from ids in no order (a journal's in-memory
 * index): those with a prefix that come after a cursor, at most a limit, keeping only a
 * page's worth at a time.
 *
 * @since 0.2.0
 */
public final class StreamPages {

	private final String prefix;

	private final @Nullable String after;

	private final int limit;

	/** The page so far, largest first, so the largest is dropped when a smaller comes. */
	private final PriorityQueue<String> page;

	/**
	 * @param prefix the ids' prefix, "" for all
	 * @param after the cursor: the last id of the previous page, null for the first page
	 * @param limit the most ids, at least 1
	 */
	public StreamPages(String prefix, @Nullable String after, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("A page holds at least 1 stream, was " + limit);
		}
		this.prefix = prefix;
		this.after = after;
		this.limit = limit;
		this.page = new PriorityQueue<>(Collections.reverseOrder());
	}

	/** Offers one id. */
	public void offer(String streamId) {
		if (!streamId.startsWith(this.prefix) || (this.after != null && streamId.compareTo(this.after) <= 0)) {
			return;
		}
		if (this.page.size() < this.limit) {
			this.page.add(streamId);
		}
		else if (streamId.compareTo(this.page.peek()) < 0) {
			this.page.poll();
			this.page.add(streamId);
		}
	}

	/** The page, in id order. */
	public List<String> page() {
		List<String> ids = new ArrayList<>(this.page);
		Collections.sort(ids);
		return ids;
	}

}
