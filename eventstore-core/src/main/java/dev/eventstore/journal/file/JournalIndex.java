package dev.eventstore.journal.file;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where each event's line lies in the journal file, and which positions each stream
 * holds. Bodies stay on disk; the index costs about 22 bytes an event (measured) plus one
 * entry a stream. Thread-safe: the journal's single writer adds and truncates under the
 * index's write lock, readers share its read lock.
 */
final class JournalIndex {

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/** {@code offsets[p - 1]} is where the line of position {@code p} starts. */
	private long[] offsets = new long[1024];

	private int count;

	/** Where the last indexed line ends. */
	private long end;

	private final Map<String, Positions> streams = new HashMap<>();

	/** Number of indexed events; also the last indexed position. */
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
	 * Indexes a batch of consecutive positions of one stream.
	 * @param streamId the stream
	 * @param lineStarts the file offset of each line
	 * @param end where the last line ends
	 */
	void add(String streamId, long[] lineStarts, long end) {
		this.lock.writeLock().lock();
		try {
			Positions positions = this.streams.computeIfAbsent(streamId, (id) -> new Positions());
			for (long start : lineStarts) {
				if (this.count == this.offsets.length) {
					this.offsets = Arrays.copyOf(this.offsets, this.offsets.length * 2);
				}
				this.offsets[this.count++] = start;
				positions.add(this.count);
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
			if (lastPosition >= this.count) {
				return;
			}
			this.count = (int) lastPosition;
			this.end = end;
			for (Iterator<Positions> it = this.streams.values().iterator(); it.hasNext();) {
				Positions positions = it.next();
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

	/** The stream's version counting every indexed event, durable or not. */
	long streamVersion(String streamId) {
		this.lock.readLock().lock();
		try {
			Positions positions = this.streams.get(streamId);
			return (positions != null) ? positions.size : 0;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** The stream's version counting only positions up to {@code maxPosition}. */
	long streamVersion(String streamId, long maxPosition) {
		this.lock.readLock().lock();
		try {
			Positions positions = this.streams.get(streamId);
			return (positions != null) ? positions.countUpTo(maxPosition) : 0;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** The version of the event at {@code position} within its stream. */
	long versionOf(String streamId, long position) {
		this.lock.readLock().lock();
		try {
			Positions positions = this.streams.get(streamId);
			int index = (positions != null) ? Arrays.binarySearch(positions.values, 0, positions.size, position) : -1;
			if (index < 0) {
				throw new IllegalStateException(
						"Position " + position + " is not indexed in stream '" + streamId + "'");
			}
			return index + 1;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** How many streams are indexed. */
	int streamCount() {
		this.lock.readLock().lock();
		try {
			return this.streams.size();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Offers the ids of the streams with a position up to {@code maxPosition}. */
	void streamIds(dev.eventstore.journal.support.StreamPages page, long maxPosition) {
		this.lock.readLock().lock();
		try {
			this.streams.forEach((id, positions) -> {
				if (positions.size > 0 && positions.values[0] <= maxPosition) {
					page.offer(id);
				}
			});
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Positions of one stream from {@code fromVersion} on, at most {@code maxCount}, none
	 * after {@code maxPosition}.
	 */
	long[] streamPositions(String streamId, long fromVersion, int maxCount, long maxPosition) {
		this.lock.readLock().lock();
		try {
			Positions positions = this.streams.get(streamId);
			if (positions == null || fromVersion > positions.size) {
				return new long[0];
			}
			int from = (int) (fromVersion - 1);
			int to = (int) Math.min(positions.countUpTo(maxPosition), from + (long) maxCount);
			return (to > from) ? Arrays.copyOfRange(positions.values, from, to) : new long[0];
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * File ranges of the given positions, read under one lock: {@code ranges[2i]} is
	 * where the line of {@code positions[i]} starts, {@code ranges[2i + 1]} where it ends
	 * (its newline included).
	 */
	long[] ranges(long[] positions) {
		this.lock.readLock().lock();
		try {
			long[] ranges = new long[positions.length * 2];
			for (int i = 0; i < positions.length; i++) {
				int p = (int) positions[i];
				ranges[2 * i] = this.offsets[p - 1];
				ranges[2 * i + 1] = (p < this.count) ? this.offsets[p] : this.end;
			}
			return ranges;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** The file range holding positions {@code from} to {@code to}, both inclusive. */
	long[] range(long from, long to) {
		this.lock.readLock().lock();
		try {
			return new long[] { this.offsets[(int) from - 1], (to < this.count) ? this.offsets[(int) to] : this.end };
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Ascending positions of one stream. */
	private static final class Positions {

		long[] values = new long[4];

		int size;

		void add(long position) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = position;
		}

		int countUpTo(long maxPosition) {
			if (this.size == 0 || this.values[this.size - 1] <= maxPosition) {
				return this.size;
			}
			int index = Arrays.binarySearch(this.values, 0, this.size, maxPosition);
			return (index >= 0) ? index + 1 : -(index + 1);
		}

		void truncateAfter(long lastPosition) {
			this.size = countUpTo(lastPosition);
		}

	}

}
