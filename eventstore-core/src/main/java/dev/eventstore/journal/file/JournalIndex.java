package dev.eventstore.journal.file;

import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * Where each event's line lies in the journal file being written (a single-file journal,
 * or the active segment of a segmented one), and which of its positions each stream
 * holds. Bodies stay on disk; the index costs a few tens of bytes an event (the figure is
 * in docs/performance.md) plus one entry a stream. StreamPositions are the journal's: the
 * file's first line holds {@code base + 1}. Thread-safe: the journal's single writer adds
 * and truncates under the index's write lock, readers share its read lock.
 */
final class JournalIndex implements LineIndex {

	/** The last position before this file's first. */
	private final long base;

	/** Each stream's version before this file, for lines that do not carry theirs. */
	private final ToLongFunction<String> versionBefore;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/**
	 * Where the first {@link #recordedCount} lines start, as a clean close recorded them
	 * ({@link IndexAtClose}, memory-mapped; never changed), or null.
	 */
	private @Nullable LongBuffer recorded;

	private int recordedCount;

	/**
	 * {@code offsets[p - base - 1 - recordedCount]} is where the line of position
	 * {@code p} starts.
	 */
	private long[] offsets = new long[1024];

	private int count;

	/** Where the last indexed line ends. */
	private long end;

	private Map<String, StreamPositions> streams = new HashMap<>();

	/**
	 * The streams a clean close recorded, read where they are mapped; a stream in
	 * {@link #streams} too is there with every position, recorded or not. Null when the
	 * index was not restored, or once a truncation brought every stream to the heap.
	 */
	private @Nullable StreamTable recordedStreams;

	/**
	 * The entry {@link #lastVersion} found last, which {@link #add} then needs: only the
	 * writer touches it.
	 */
	private @Nullable StreamPositions lastAsked;

	/** An index of a whole journal in one file. */
	JournalIndex() {
		this(0, (streamId) -> 0);
	}

	/**
	 * @param base the last position before the file's first
	 * @param versionBefore each stream's version before the file
	 */
	JournalIndex(long base, ToLongFunction<String> versionBefore) {
		this.base = base;
		this.versionBefore = versionBefore;
	}

	/** The last position before the file's first. */
	long base() {
		return this.base;
	}

	/** Number of indexed events. */
	long count() {
		this.lock.readLock().lock();
		try {
			return this.count;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Indexes a batch of consecutive positions of one stream, written at
	 * {@code from + lineStarts[i]}: where a group's buffer was written.
	 * @param streamId the stream
	 * @param from the file offset of the buffer the lines were composed in
	 * @param lineStarts the offset of each line within that buffer
	 * @param end where the last line ends
	 */
	void add(String streamId, long from, int[] lineStarts, long end) {
		// The stream's entry, when the writer has just asked for its version: one lookup
		// an append, not two.
		StreamPositions cached = this.lastAsked;
		StreamPositions positions = (cached != null && cached.streamId == streamId) ? cached : null;
		this.lock.writeLock().lock();
		try {
			if (positions == null || positions.size == 0 || !positions.held) {
				positions = held(streamId);
			}
			for (int lineStart : lineStarts) {
				int heapCount = this.count - this.recordedCount;
				if (heapCount == this.offsets.length) {
					this.offsets = Arrays.copyOf(this.offsets, this.offsets.length * 2);
				}
				this.offsets[heapCount] = from + lineStart;
				this.count++;
				positions.add(this.base + this.count);
			}
			this.end = end;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Forgets every position after {@code lastPosition}: the lines behind them were
	 * removed.
	 * @param lastPosition the last position kept
	 * @param end where its line ends
	 */
	void truncate(long lastPosition, long end) {
		this.lock.writeLock().lock();
		try {
			if (lastPosition >= this.base + this.count) {
				return;
			}
			if (lastPosition - this.base < this.recordedCount) {
				// Never by recovery or a failed write, which cut after the close's end:
				// held on the heap to be cut like the rest.
				this.offsets = lineStartsOnHeap();
				this.recorded = null;
				this.recordedCount = 0;
				holdRecordedStreams();
			}
			this.count = (int) (lastPosition - this.base);
			this.end = end;
			this.lastAsked = null;
			for (Iterator<StreamPositions> it = this.streams.values().iterator(); it.hasNext();) {
				StreamPositions positions = it.next();
				positions.truncateAfter(lastPosition);
				if (positions.size == 0) {
					it.remove();
				}
			}
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * The stream's version at the end of this file, durable or not: its events before the
	 * file and in it. For the index's writer only (the thread that adds to it, under the
	 * journal's write lock, or the one opening it): nothing changes the index under it,
	 * so it reads without the lock.
	 */
	long lastVersion(String streamId) {
		StreamPositions positions = find(streamId);
		if (positions == null) {
			this.lastAsked = null;
			return this.versionBefore.applyAsLong(streamId);
		}
		this.lastAsked = positions;
		return positions.before + positions.size;
	}

	/** The stream's events in this file up to {@code maxPosition}. */
	long streamVersion(String streamId, long maxPosition) {
		this.lock.readLock().lock();
		try {
			StreamPositions positions = find(streamId);
			return (positions != null) ? positions.countUpTo(maxPosition) : 0;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public long versionOf(String streamId, long position) {
		this.lock.readLock().lock();
		try {
			StreamPositions positions = find(streamId);
			int index = (positions != null) ? positions.indexOf(position) : -1;
			if (index < 0) {
				throw new IllegalStateException(
						"Position " + position + " is not indexed in stream '" + streamId + "'");
			}
			return this.versionBefore.applyAsLong(streamId) + index + 1;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Offers the ids of the streams with a position up to {@code maxPosition} that the
	 * filter lets through.
	 */
	void streamIds(Consumer<String> page, long maxPosition, Predicate<String> filter) {
		this.lock.readLock().lock();
		try {
			this.streams.forEach((id, positions) -> {
				if (positions.size > 0 && positions.valueAt(0) <= maxPosition && filter.test(id)) {
					page.accept(id);
				}
			});
			StreamTable recorded = this.recordedStreams;
			if (recorded != null) {
				recorded.forEach((id, body) -> {
					if (!this.streams.containsKey(id) && recorded.buffer().getLong(body + 4) <= maxPosition
							&& filter.test(id)) {
						page.accept(id);
					}
				});
			}
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** How many streams of this file the filter lets through. */
	int streamCount(Predicate<String> filter) {
		this.lock.readLock().lock();
		try {
			int[] count = { 0 };
			for (String id : this.streams.keySet()) {
				if (filter.test(id)) {
					count[0]++;
				}
			}
			StreamTable recorded = this.recordedStreams;
			if (recorded != null) {
				recorded.forEach((id, body) -> {
					if (!this.streams.containsKey(id) && filter.test(id)) {
						count[0]++;
					}
				});
			}
			return count[0];
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * StreamPositions of one stream from its {@code fromVersion}-th event in this file
	 * on, at most {@code maxCount}, none after {@code maxPosition}.
	 */
	long[] streamPositions(String streamId, long fromVersion, int maxCount, long maxPosition) {
		this.lock.readLock().lock();
		try {
			StreamPositions positions = find(streamId);
			if (positions == null || fromVersion > positions.size) {
				return new long[0];
			}
			int from = (int) (fromVersion - 1);
			int to = (int) Math.min(positions.countUpTo(maxPosition), from + (long) maxCount);
			return (to > from) ? positions.copy(from, to) : new long[0];
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public long[] ranges(long[] positions) {
		this.lock.readLock().lock();
		try {
			long[] ranges = new long[positions.length * 2];
			for (int i = 0; i < positions.length; i++) {
				int p = (int) (positions[i] - this.base);
				ranges[2 * i] = offsetAt(p - 1);
				ranges[2 * i + 1] = (p < this.count) ? offsetAt(p) : this.end;
			}
			return ranges;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public long[] range(long from, long to) {
		this.lock.readLock().lock();
		try {
			int first = (int) (from - this.base);
			int last = (int) (to - this.base);
			return new long[] { offsetAt(first - 1), (last < this.count) ? offsetAt(last) : this.end };
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Line starts of every indexed position and, last, where the last line ends: what a
	 * sealed segment's on-disk index keeps.
	 */
	long[] lineOffsets() {
		this.lock.readLock().lock();
		try {
			long[] copy = Arrays.copyOf(lineStartsOnHeap(), this.count + 1);
			copy[this.count] = this.end;
			return copy;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Where the line at index {@code i} (position {@code base + 1 + i}) starts. */
	private long offsetAt(int i) {
		LongBuffer prefix = this.recorded;
		return (prefix != null && i < this.recordedCount) ? prefix.get(i) : this.offsets[i - this.recordedCount];
	}

	/** Every line start, on the heap, with room for one more entry. */
	private long[] lineStartsOnHeap() {
		long[] all = new long[Math.max(this.count + 1, this.recordedCount + this.offsets.length)];
		LongBuffer prefix = this.recorded;
		if (prefix != null) {
			prefix.get(0, all, 0, this.recordedCount);
		}
		System.arraycopy(this.offsets, 0, all, this.recordedCount, this.count - this.recordedCount);
		return all;
	}

	/** Hands each stream's positions in this file, ascending, to the consumer. */
	void forEachStream(BiConsumer<String, long[]> consumer) {
		this.lock.readLock().lock();
		try {
			this.streams.forEach((id, positions) -> consumer.accept(id, positions.copy(0, positions.size)));
			StreamTable recorded = this.recordedStreams;
			if (recorded != null) {
				recorded.forEach((id, body) -> {
					if (!this.streams.containsKey(id)) {
						StreamPositions view = recordedView(id, recorded, body);
						consumer.accept(id, view.copy(0, view.size));
					}
				});
			}
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * The stream's entry: on the heap, or a view of the positions a clean close recorded
	 * (not held: a reader's, dropped after use). Under either lock, or by the writer.
	 */
	private @Nullable StreamPositions find(String streamId) {
		StreamPositions positions = this.streams.get(streamId);
		StreamTable recorded = this.recordedStreams;
		if (positions != null || recorded == null) {
			return positions;
		}
		int body = recorded.find(streamId);
		return (body < 0) ? null : recordedView(streamId, recorded, body);
	}

	/** A view of a recorded stream: its body is the count, then the positions. */
	private static StreamPositions recordedView(String streamId, StreamTable recorded, int body) {
		StreamPositions view = new StreamPositions(streamId, 0);
		view.recorded = recorded.buffer();
		view.recordedAt = body + 4;
		view.size = recorded.buffer().getInt(body);
		return view;
	}

	/** The writer's, under the write lock: the stream's entry, held on the heap. */
	private StreamPositions held(String streamId) {
		StreamPositions positions = this.streams.get(streamId);
		if (positions == null) {
			positions = find(streamId);
			if (positions == null) {
				positions = new StreamPositions(streamId, this.versionBefore.applyAsLong(streamId));
			}
			positions.held = true;
			this.streams.put(streamId, positions);
		}
		return positions;
	}

	/** Brings every recorded stream to the heap (its positions still read in place). */
	private void holdRecordedStreams() {
		StreamTable recorded = this.recordedStreams;
		if (recorded != null) {
			recorded.forEach((id, body) -> {
				if (!this.streams.containsKey(id)) {
					StreamPositions view = recordedView(id, recorded, body);
					view.held = true;
					this.streams.put(id, view);
				}
			});
			this.recordedStreams = null;
		}
	}

	/**
	 * Builds the index of a whole single-file journal from what a clean close recorded
	 * ({@link IndexAtClose}) rather than from its lines: the recorded line starts and
	 * streams' positions are read where they are mapped, and copied to the heap only when
	 * a stream is appended to.
	 */
	static final class Restored {

		private final JournalIndex index = new JournalIndex();

		/**
		 * @param lineStarts where each recorded line starts, mapped
		 * @param count the lines indexed
		 * @param end where the last one ends
		 * @param streams the recorded streams, mapped
		 */
		Restored(LongBuffer lineStarts, int count, long end, StreamTable streams) {
			if (count > lineStarts.limit() || count < 0) {
				throw new IllegalArgumentException(count + " lines in a table of " + lineStarts.limit());
			}
			this.index.recorded = lineStarts;
			this.index.recordedCount = count;
			this.index.count = count;
			this.index.end = end;
			this.index.recordedStreams = streams;
		}

		JournalIndex index() {
			return this.index;
		}

	}

}
