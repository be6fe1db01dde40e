package dev.eventstore;

import java.util.ArrayList;
import java.util.List;

/**
 * A query answered by reading the log in pages and keeping what matches: what a journal
 * without an index of types and tags does, and what the indexed reads are tested against.
 */
final class QueryScan {

	private static final int PAGE = 1_000;

	private QueryScan() {
	}

	static QueryResult scan(Journal journal, EventQuery query, long fromPosition, int maxCount) {
		if (fromPosition < 1) {
			throw new IllegalArgumentException("fromPosition must be >= 1, was " + fromPosition);
		}
		if (maxCount < 0) {
			throw new IllegalArgumentException("maxCount must be >= 0, was " + maxCount);
		}
		long last = journal.lastPosition();
		List<StoredEvent> found = new ArrayList<>();
		long next = fromPosition;
		while (next <= last) {
			int page = (int) Math.min(PAGE, last - next + 1);
			List<StoredEvent> events = journal.readAll(next, page);
			if (events.isEmpty()) {
				break;
			}
			for (StoredEvent event : events) {
				if (event.position() > last) {
					break;
				}
				if (query.matches(event)) {
					if (found.size() == maxCount) {
						return new QueryResult(found, event.position() - 1);
					}
					found.add(event);
				}
			}
			next = events.get(events.size() - 1).position() + 1;
		}
		return new QueryResult(found, Math.max(last, 0));
	}

}
