package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.eventstore.EventQuery;
import dev.eventstore.Journal;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.Postings;
import dev.eventstore.journal.support.QueryIndex;
import org.jspecify.annotations.Nullable;

/**
 * A file journal's reads by query and the index behind them and its append conditions:
 * the positions of each event type and tag ({@link LogQueries}), built on the first query
 * or conditional append (nothing is paid by a journal that never asks), then kept up to
 * date by the group writer as it writes. A single file's are in the heap. A segmented
 * journal's sealed segments have theirs on disk ({@link SealedPostings}), written when a
 * segment is sealed, or on the first query for a segment sealed without one; only the
 * active segment's are in the heap. Building reads the log once without holding up
 * appends, then catches up with what was written meanwhile under the write lock.
 */
final class JournalQueries {

	private static final System.Logger logger = System.getLogger(JournalQueries.class.getName());

	private static final int PAGE = 1_000;

	private final Journal journal;

	private final LongSupplier committed;

	private final Consumer<Runnable> underWriteLock;

	private final Supplier<List<SealedSegments.Range>> sealedRanges;

	private volatile @Nullable LogQueries index;

	private final Object building = new Object();

	JournalQueries(Journal journal, LongSupplier committed, Consumer<Runnable> underWriteLock,
			Supplier<List<SealedSegments.Range>> sealedRanges) {
		this.journal = journal;
		this.committed = committed;
		this.underWriteLock = underWriteLock;
		this.sealedRanges = sealedRanges;
	}

	/** The index if built: the group writer adds to it. */
	@Nullable LogQueries built() {
		return this.index;
	}

	/** The index, built now if it is not yet. */
	LogQueries index() {
		LogQueries current = this.index;
		if (current != null) {
			return current;
		}
		synchronized (this.building) {
			if (this.index != null) {
				return this.index;
			}
			List<SealedSegments.Range> ranges = this.sealedRanges.get();
			List<LogQueries.Part> parts = new ArrayList<>(ranges.size());
			for (SealedSegments.Range range : ranges) {
				parts.add(part(range));
			}
			long activeFirst = ranges.isEmpty() ? 1 : ranges.get(ranges.size() - 1).last() + 1;
			QueryIndex active = new QueryIndex(activeFirst - 1);
			addLog(active, activeFirst, this.committed.getAsLong());
			this.underWriteLock.accept(() -> {
				addLog(active, Math.max(activeFirst, active.lastPosition() + 1), this.committed.getAsLong());
				LogQueries built = new LogQueries(parts, active);
				// Segments sealed while it was being built: their positions are in the
				// heap part, which is cut at each of them.
				for (SealedSegments.Range range : this.sealedRanges.get()) {
					if (range.first() >= built.activeFirst()) {
						built = seal(built, range);
					}
				}
				this.index = built;
			});
			return this.index;
		}
	}

	/** A sealed segment's postings from its file, written first when it has none. */
	private LogQueries.Part part(SealedSegments.Range range) {
		SealedPostings opened = SealedPostings.open(range.path(), range.first(), range.last(), range.fingerprint());
		if (opened != null) {
			return new LogQueries.Part(range.first(), range.last(), opened);
		}
		QueryIndex scanned = new QueryIndex(range.first() - 1);
		addLog(scanned, range.first(), range.last());
		return new LogQueries.Part(range.first(), range.last(), written(range, scanned));
	}

	/**
	 * Moves a segment just sealed out of the heap part, to its file; under the write
	 * lock, after the group writer sealed it. Nothing when the index is not built.
	 */
	void sealed(SealedSegments.Range range) {
		LogQueries current = this.index;
		if (current != null && range.first() >= current.activeFirst()) {
			this.index = seal(current, range);
		}
	}

	private LogQueries seal(LogQueries current, SealedSegments.Range range) {
		QueryIndex heap = current.active();
		LogQueries next = current.sealedUpTo(range.last(), written(range, heap));
		// The heap part keeps what was written after the segment: none when sealing runs
		// at once, some when a build caught up past it.
		if (heap.lastPosition() > range.last()) {
			addLog(next.active(), range.last() + 1, heap.lastPosition());
		}
		return next;
	}

	/**
	 * The postings of a sealed segment written to its file and opened; the heap index
	 * itself where that fails (it is logged, and tried again at the next open).
	 */
	private Postings written(SealedSegments.Range range, QueryIndex index) {
		try {
			SealedPostings.write(range.path(), range.first(), range.last(), range.fingerprint(), index);
			SealedPostings opened = SealedPostings.open(range.path(), range.first(), range.last(), range.fingerprint());
			if (opened != null) {
				return opened;
			}
			logger.log(Level.WARNING, "The postings just written for segment {0} do not read back; they stay in "
					+ "the heap until the journal is opened again", range.path());
		}
		catch (IOException ex) {
			logger.log(Level.WARNING, "Could not write the postings of segment " + range.path()
					+ "; they stay in the heap until the journal is opened again", ex);
		}
		return index;
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
		// Taken after the committed position: an index published later holds at least
		// every position committed before it.
		LogQueries queries = index();
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
