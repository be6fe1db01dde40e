package dev.eventstore.journal.file;

import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.eventstore.journal.support.Postings;
import org.jspecify.annotations.Nullable;

/**
 * Ascending positions of one stream in the file a {@link JournalIndex} indexes: recorded
 * ones (a clean close's index) read where they are mapped until the writer appends to the
 * stream, then all on the heap. The index's: read under its read lock, changed under its
 * write lock.
 */
final class StreamPositions implements Postings.PositionList {

	final String streamId;

	/** The stream's version before this file. */
	final long before;

	/**
	 * Whether it is in the index's map (not a reader's view of recorded positions).
	 */
	boolean held;

	long[] values = new long[4];

	/**
	 * The buffer holding the positions a clean close recorded, little-endian longs from
	 * byte {@link #recordedAt}, until the stream is appended to.
	 */
	@Nullable ByteBuffer recorded;

	int recordedAt;

	int size;

	StreamPositions(String streamId, long before) {
		this.streamId = streamId;
		this.before = before;
	}

	long valueAt(int i) {
		ByteBuffer positions = this.recorded;
		return (positions != null) ? positions.getLong(this.recordedAt + 8 * i) : this.values[i];
	}

	/** The writer's: under the index's write lock. */
	void add(long position) {
		if (this.recorded != null) {
			long[] all = new long[this.size + Math.max(4, this.size / 2)];
			System.arraycopy(copy(0, this.size), 0, all, 0, this.size);
			this.values = all;
			this.recorded = null;
		}
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = position;
	}

	long[] copy(int from, int to) {
		long[] copy = new long[to - from];
		ByteBuffer positions = this.recorded;
		if (positions != null) {
			for (int i = from; i < to; i++) {
				copy[i - from] = positions.getLong(this.recordedAt + 8 * i);
			}
		}
		else {
			System.arraycopy(this.values, from, copy, 0, to - from);
		}
		return copy;
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public long get(int index) {
		return valueAt(index);
	}

	int countUpTo(long maxPosition) {
		if (this.size == 0 || valueAt(this.size - 1) <= maxPosition) {
			return this.size;
		}
		int index = indexOf(maxPosition);
		return (index >= 0) ? index + 1 : -(index + 1);
	}

	void truncateAfter(long lastPosition) {
		this.size = countUpTo(lastPosition);
	}

}
