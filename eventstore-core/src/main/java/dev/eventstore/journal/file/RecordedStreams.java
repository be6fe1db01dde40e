package dev.eventstore.journal.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The streams a clean close recorded ({@link IndexAtClose}), looked up where the index is
 * memory-mapped instead of loaded into a map at open: an open-addressing table of
 * {@code (hash << 32 | record offset)} longs, {@link #slotsFor(int) twice the streams}
 * rounded up to a power of two, in front of the records, each {@code [int id length][id,
 * UTF-8][int count][count positions, little-endian longs]}. The hash is
 * {@link String#hashCode()} (specified by the language, so stable), spread. Nothing here
 * is on the heap until a stream is asked for. Immutable; thread-safe.
 */
final class RecordedStreams {

	/** A record's offset, its id's length and its positions' count, where it lies. */
	interface RecordConsumer {

		void accept(String streamId, int positionsAt, int count);

	}

	private final ByteBuffer index;

	private final int tableAt;

	private final int slots;

	private final int recordsAt;

	private final int count;

	/**
	 * @param index the mapped index, little-endian
	 * @param tableAt where the table starts
	 * @param count how many streams it holds
	 */
	RecordedStreams(ByteBuffer index, int tableAt, int count) {
		this.index = index;
		this.tableAt = tableAt;
		this.slots = slotsFor(count);
		this.recordsAt = tableAt + 8 * this.slots;
		this.count = count;
	}

	/** The table's slots for so many streams: at least twice as many, a power of two. */
	static int slotsFor(int streams) {
		return Integer.highestOneBit(Math.max(1, 2 * streams - 1)) << 1;
	}

	static int hash(String streamId) {
		int h = streamId.hashCode();
		return h ^ (h >>> 16);
	}

	/** Where the records start: after the table. */
	int recordsAt() {
		return this.recordsAt;
	}

	int count() {
		return this.count;
	}

	/**
	 * Where a stream's positions start in the index, or -1 when it has none recorded;
	 * {@link #countAt} tells how many.
	 */
	int positionsAt(String streamId) {
		int hash = hash(streamId);
		byte[] id = null;
		int mask = this.slots - 1;
		for (int i = hash & mask, probes = 0; probes < this.slots; i = (i + 1) & mask, probes++) {
			long slot = this.index.getLong(this.tableAt + 8 * i);
			if (slot == 0) {
				return -1;
			}
			if ((int) (slot >>> 32) != hash) {
				continue;
			}
			int recordAt = (int) slot;
			int length = this.index.getInt(recordAt);
			if (id == null) {
				id = streamId.getBytes(StandardCharsets.UTF_8);
			}
			if (length == id.length && sameBytes(recordAt + 4, id)) {
				return recordAt + 4 + length + 4;
			}
		}
		return -1;
	}

	/** How many positions a stream has recorded, given where they start. */
	int countAt(int positionsAt) {
		return this.index.getInt(positionsAt - 4);
	}

	ByteBuffer buffer() {
		return this.index;
	}

	private boolean sameBytes(int at, byte[] id) {
		for (int i = 0; i < id.length; i++) {
			if (this.index.get(at + i) != id[i]) {
				return false;
			}
		}
		return true;
	}

	/** Hands every recorded stream to the consumer, in the records' order. */
	void forEach(RecordConsumer consumer) {
		int at = this.recordsAt;
		for (int i = 0; i < this.count; i++) {
			int length = this.index.getInt(at);
			byte[] id = new byte[length];
			this.index.get(at + 4, id);
			int count = this.index.getInt(at + 4 + length);
			consumer.accept(new String(id, StandardCharsets.UTF_8), at + 8 + length, count);
			at += 8 + length + 8 * count;
		}
	}

	/**
	 * Writes the table and the records of these streams at the buffer's position,
	 * little-endian, leaving it after them; offsets are from the buffer's start.
	 */
	static void write(ByteBuffer buffer, byte[][] ids, long[][] positions, String[] names) {
		int slots = slotsFor(ids.length);
		int tableAt = buffer.position();
		long[] table = new long[slots];
		int at = tableAt + 8 * slots;
		int mask = slots - 1;
		for (int s = 0; s < ids.length; s++) {
			int hash = hash(names[s]);
			int i = hash & mask;
			while (table[i] != 0) {
				i = (i + 1) & mask;
			}
			table[i] = ((long) hash << 32) | (at & 0xffffffffL);
			at += 8 + ids[s].length + 8 * positions[s].length;
		}
		buffer.asLongBuffer().put(table);
		buffer.position(tableAt + 8 * slots);
		for (int s = 0; s < ids.length; s++) {
			buffer.putInt(ids[s].length).put(ids[s]).putInt(positions[s].length);
			buffer.asLongBuffer().put(positions[s]);
			buffer.position(buffer.position() + 8 * positions[s].length);
		}
	}

	/** The bytes {@link #write} takes for these streams. */
	static long size(byte[][] ids, long[][] positions) {
		long size = 8L * slotsFor(ids.length);
		for (int s = 0; s < ids.length; s++) {
			size += 8 + ids[s].length + 8L * positions[s].length;
		}
		return size;
	}

	@Override
	public String toString() {
		return "RecordedStreams[" + this.count + " streams at byte " + this.tableAt + "]";
	}

}
