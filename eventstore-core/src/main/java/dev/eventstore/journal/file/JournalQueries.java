package dev.eventstore.journal.file;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.eventstore.EventQuery;
import dev.eventstore.Journal;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.QueryIndex;
import org.jspecify.annotations.Nullable;

/**
 * A file journal's reads by query and the index behind them and its append conditions:
 * the positions of each event type and tag, built from the log on the first query or
 * conditional append (nothing is paid by a journal that never asks), then kept up to date
 * by the group writer as it writes. Building reads the log once without holding up
 * appends, then catches up with what was written meanwhile under the write lock.
 */
final class JournalQueries {

	private static final int PAGE = 1_000;

	private final Journal journal;

	private final LongSupplier committed;

	private final Consumer<Runnable> underWriteLock;

	private volatile @Nullable QueryIndex index;

	private final Object building = new Object();

	JournalQueries(Journal journal, LongSupplier committed, Consumer<Runnable> underWriteLock) {
		this.journal = journal;
		this.committed = committed;
		this.underWriteLock = underWriteLock;
	}

	/** The index if built: the group writer adds to it. */
	@Nullable QueryIndex built() {
		return this.index;
	}

	/** The index, built now if it is not yet. */
	QueryIndex index() {
		QueryIndex current = this.index;
		if (current != null) {
			return current;
		}
		synchronized (this.building) {
			if (this.index != null) {
				return this.index;
			}
			QueryIndex built = new QueryIndex();
			long upTo = this.committed.getAsLong();
			addLog(built, 1, upTo);
			this.underWriteLock.accept(() -> {
				addLog(built, built.lastPosition() + 1, this.committed.getAsLong());
				this.index = built;
			});
			return built;
		}
	}

	private void addLog(QueryIndex index, long from, long upTo) {
		long next = from;
		while (next <= upTo) {
			List<StoredEvent> page = this.journal.readAll(next, (int) Math.min(PAGE, upTo - next + 1));
			if (page.isEmpty()) {
				break;
			}
			for (StoredEvent event : page) {
				index.add(event.position(), event.type(), event.tags());
			}
			next = page.get(page.size() - 1).position() + 1;
		}
	}

	/**
	 * The events matching a query from a position on, at most {@code maxCount}, as of the
	 * committed position.
	 */
	QueryResult read(EventQuery query, long fromPosition, int maxCount, long committed) {
		if (fromPosition < 1 || maxCount < 0) {
			throw new IllegalArgumentException(
					"fromPosition must be >= 1 and maxCount >= 0, were " + fromPosition + " and " + maxCount);
		}
		QueryIndex queries = index();
		long[] positions = queries.matching(query, fromPosition - 1, committed,
				(maxCount == Integer.MAX_VALUE) ? maxCount : maxCount + 1);
		int count = Math.min(positions.length, maxCount);
		List<StoredEvent> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			events.add(this.journal.readAll(positions[i], 1).get(0));
		}
		long position = (positions.length > maxCount) ? positions[maxCount] - 1 : committed;
		return new QueryResult(events, position);
	}

}
