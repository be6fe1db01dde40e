package dev.eventstore.journal.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Streams kept in a file and looked up where its bytes are, instead of loaded into a map
 * when the file is read: an open-addressing table of {@code (hash << 32 | record offset)}
 * longs, {@linkplain #slotsFor(int) twice the streams} rounded up to a power of two, in
 * front of the records, each {@code [int id length][id, UTF-8][body]}; what a body holds
 * and how long it is, the file's format says ({@link Body}). The hash is
 * {@link String#hashCode()} (specified by the language, so stable), spread. Used by the
 * single file's index at close ({@link IndexAtClose}: a stream's positions) and the
 * segmented journal's summary ({@link SealedStreams}: a stream's version and segments).
 * Immutable; thread-safe.
 */
final class StreamTable {

	/** The length of a record's body, which starts at {@code at}. */
	interface Body {

		int length(ByteBuffer buffer, int at);

	}

	/** Writes a stream's body at the buffer's position. */
	interface BodyWriter {

		void write(ByteBuffer buffer, int stream);

	}

	/** A record's stream and where its body starts. */
	interface RecordConsumer {

		void accept(String streamId, int bodyAt);

	}

	private final ByteBuffer buffer;

	private final int tableAt;

	private final int slots;

	private final int count;

	private final Body body;

	/**
	 * @param buffer the file's bytes (its byte order is the bodies')
	 * @param tableAt where the table starts
	 * @param count how many streams it holds
	 * @param body how long a record's body is
	 * @throws IllegalStateException if the table does not fit in the buffer
	 */
	StreamTable(ByteBuffer buffer, int tableAt, int count, Body body) {
		if (count < 0 || tableAt < 0 || tableAt + 8L * slotsFor(count) > buffer.limit()) {
			throw new IllegalStateException("a table of " + count + " streams that does not fit");
		}
		this.buffer = buffer;
		this.tableAt = tableAt;
		this.slots = slotsFor(count);
		this.count = count;
		this.body = body;
	}

	/** The table's slots for so many streams: at least twice as many, a power of two. */
	static int slotsFor(int streams) {
		return Integer.highestOneBit(Math.max(1, 2 * streams - 1)) << 1;
	}

	static int hash(String streamId) {
		int h = streamId.hashCode();
		return h ^ (h >>> 16);
	}

	int count() {
		return this.count;
	}

	ByteBuffer buffer() {
		return this.buffer;
	}

	/** Where a stream's body starts, or -1 when the table does not hold the stream. */
	int find(String streamId) {
		int hash = hash(streamId);
		byte[] id = null;
		int mask = this.slots - 1;
		for (int i = hash & mask, probes = 0; probes < this.slots; i = (i + 1) & mask, probes++) {
			long slot = this.buffer.getLong(this.tableAt + 8 * i);
			if (slot == 0) {
				return -1;
			}
			if ((int) (slot >>> 32) != hash) {
				continue;
			}
			int recordAt = (int) slot;
			int length = this.buffer.getInt(recordAt);
			if (id == null) {
				id = streamId.getBytes(StandardCharsets.UTF_8);
			}
			if (length == id.length && sameBytes(recordAt + 4, id)) {
				return recordAt + 4 + length;
			}
		}
		return -1;
	}

	private boolean sameBytes(int at, byte[] id) {
		for (int i = 0; i < id.length; i++) {
			if (this.buffer.get(at + i) != id[i]) {
				return false;
			}
		}
		return true;
	}

	/** Hands every stream to the consumer, in the records' order. */
	void forEach(RecordConsumer consumer) {
		int at = this.tableAt + 8 * this.slots;
		for (int i = 0; i < this.count; i++) {
			int length = this.buffer.getInt(at);
			byte[] id = new byte[length];
			this.buffer.get(at + 4, id);
			int bodyAt = at + 4 + length;
			consumer.accept(new String(id, StandardCharsets.UTF_8), bodyAt);
			at = bodyAt + this.body.length(this.buffer, bodyAt);
		}
	}

	/** The bytes {@link #write} takes for streams of these ids and body lengths. */
	static long size(byte[][] ids, long bodies) {
		long size = 8L * slotsFor(ids.length) + bodies;
		for (byte[] id : ids) {
			size += 4 + id.length;
		}
		return size;
	}

	/**
	 * Writes the table and the records at the buffer's position, leaving it after them;
	 * offsets are from the buffer's start.
	 * @param names the streams' ids
	 * @param ids the same, UTF-8
	 * @param bodyLengths each stream's body length
	 * @param bodies writes each stream's body
	 */
	static void write(ByteBuffer buffer, String[] names, byte[][] ids, int[] bodyLengths, BodyWriter bodies) {
		int slots = slotsFor(ids.length);
		int tableAt = buffer.position();
		int mask = slots - 1;
		int at = tableAt + 8 * slots;
		for (int s = 0; s < ids.length; s++) {
			int hash = hash(names[s]);
			int i = hash & mask;
			while (buffer.getLong(tableAt + 8 * i) != 0) {
				i = (i + 1) & mask;
			}
			buffer.putLong(tableAt + 8 * i, ((long) hash << 32) | (at & 0xffffffffL));
			at += 4 + ids[s].length + bodyLengths[s];
		}
		buffer.position(tableAt + 8 * slots);
		for (int s = 0; s < ids.length; s++) {
			buffer.putInt(ids[s].length).put(ids[s]);
			int bodyAt = buffer.position();
			bodies.write(buffer, s);
			if (buffer.position() != bodyAt + bodyLengths[s]) {
				throw new IllegalStateException(
						"a body of " + (buffer.position() - bodyAt) + " bytes, not " + bodyLengths[s]);
			}
		}
	}

	@Override
	public String toString() {
		return "StreamTable[" + this.count + " streams at byte " + this.tableAt + "]";
	}

}
