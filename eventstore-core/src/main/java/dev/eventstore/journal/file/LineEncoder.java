package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

import dev.eventstore.NewEvent;

/**
 * Encodes appends into journal lines: each event's body on the appending thread, then the
 * position-dependent parts and the checksum under the journal's write lock. Not
 * thread-safe: the journal guards its encoder with its write lock.
 */
final class LineEncoder {

	private static final int UUID_LENGTH = 36;

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EVENT_ID_OPEN = "{\"event_id\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] VERSION_NAME = ",\"version\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BATCH_END_NAME = ",\"batch_end\":".getBytes(StandardCharsets.US_ASCII);

	// The body's names with their quotes, colons and the commas between them: written as
	// the bytes they are.
	private static final byte[] UUID_OPEN = ascii("\"uuid\":\"");

	private static final byte[] STREAM_ID_NAME = ascii("\",\"stream_id\":");

	private static final byte[] EVENT_TYPE_NAME = ascii(",\"event_type\":");

	private static final byte[] REVISION_NAME = ascii(",\"revision\":");

	private static final byte[] DATA_NAME = ascii(",\"data\":");

	private static final byte[] TAGS_OPEN = ascii(",\"tags\":[");

	private static final byte[] METADATA_NAME = ascii(",\"metadata\":");

	private static final byte[] NULL_METADATA = ascii(",\"metadata\":null");

	private static final byte[] TIMESTAMP_OPEN = ascii(",\"timestamp\":\"");

	private static final ThreadLocal<BodyEncoder> encoders = ThreadLocal.withInitial(BodyEncoder::new);

	/** The lines of a group, composed around their bodies. */
	private final LineBuffer buffer = new LineBuffer();

	private final CRC32C crc = new CRC32C();

	/**
	 * Encodes what does not depend on the position: each event's names, data, metadata
	 * and timestamp. Runs on the appending thread, outside the journal's lock, into a
	 * buffer of the thread's own that stays valid until the thread encodes again.
	 */
	static Bodies encodeBodies(String streamId, List<NewEvent> events, Instant timestamp) {
		return encoders.get().encode(streamId, events, timestamp);
	}

	/**
	 * Encodes a whole batch into this codec's buffer, replacing what it held.
	 * @return the start offset, within the buffer, of each line; the buffer's size closes
	 * the last
	 */
	int[] encode(String streamId, long firstPosition, long firstVersion, List<NewEvent> events, Instant timestamp) {
		this.buffer.reset();
		return append(encodeBodies(streamId, events, timestamp), firstPosition, firstVersion);
	}

	/** Clears the buffer for a new group of batches. */
	void reset() {
		this.buffer.reset();
	}

	/**
	 * Appends a batch's lines to the buffer: the position-dependent fields around the
	 * encoded bodies, and each line's checksum.
	 * @return the start offset, within the buffer, of each line
	 */
	int[] append(Bodies bodies, long firstPosition, long firstVersion) {
		int count = bodies.count();
		int[] starts = new int[count];
		long batchEnd = firstPosition + count - 1;
		LineBuffer b = this.buffer;
		for (int i = 0; i < count; i++) {
			starts[i] = b.size();
			b.raw(EVENT_ID_OPEN, 0, EVENT_ID_OPEN.length);
			b.number(firstPosition + i);
			b.raw(',');
			b.raw(bodies.bytes(), bodies.namesStart(i), bodies.namesEnd(i) - bodies.namesStart(i));
			b.raw(VERSION_NAME, 0, VERSION_NAME.length);
			b.number(firstVersion + i);
			b.raw(bodies.bytes(), bodies.restStart(i), bodies.restEnd(i) - bodies.restStart(i));
			if (count > 1) {
				b.raw(BATCH_END_NAME, 0, BATCH_END_NAME.length);
				b.number(batchEnd);
			}
			this.crc.reset();
			this.crc.update(b.bytes(), starts[i], b.size() - starts[i]);
			appendCrcSuffix((int) this.crc.getValue());
		}
		return starts;
	}

	private void appendCrcSuffix(int crc) {
		LineBuffer b = this.buffer;
		b.raw(LineFormat.CRC_PREFIX, 0, LineFormat.CRC_PREFIX.length);
		for (int shift = 28; shift >= 0; shift -= 4) {
			b.raw((char) HEX[(crc >>> shift) & 0xF]);
		}
		b.raw('"');
		b.raw('}');
		b.raw('\n');
	}

	/**
	 * A batch's position-independent parts, encoded: for event i,
	 * {@code "stream_id":…,"event_type":…} and
	 * {@code ,"data":…,"metadata":…,"timestamp":…}, as ranges of one byte array.
	 */
	record Bodies(byte[] bytes, int[] offsets) {

		int count() {
			return this.offsets.length / 4;
		}

		int namesStart(int i) {
			return this.offsets[4 * i];
		}

		int namesEnd(int i) {
			return this.offsets[4 * i + 1];
		}

		int restStart(int i) {
			return this.offsets[4 * i + 2];
		}

		int restEnd(int i) {
			return this.offsets[4 * i + 3];
		}

	}

	/**
	 * A thread's encoder: a {@link LineBuffer} reused. Not thread-safe; one per thread.
	 */
	private static final class BodyEncoder {

		private final LineBuffer out = new LineBuffer();

		private final TimestampText timestamps = new TimestampText();

		private final byte[] uuid = new byte[UUID_LENGTH];

		/** The id's text as {@link UUID#toString()} writes it, in ASCII. */
		private byte[] uuidText(UUID id) {
			long most = id.getMostSignificantBits();
			long least = id.getLeastSignificantBits();
			hex(most >>> 32, 0, 8);
			this.uuid[8] = '-';
			hex(most >>> 16, 9, 4);
			this.uuid[13] = '-';
			hex(most, 14, 4);
			this.uuid[18] = '-';
			hex(least >>> 48, 19, 4);
			this.uuid[23] = '-';
			hex(least, 24, 12);
			return this.uuid;
		}

		/** Writes the lowest {@code digits} hex digits of the value at {@code at}. */
		private void hex(long value, int at, int digits) {
			long rest = value;
			for (int i = at + digits - 1; i >= at; i--) {
				this.uuid[i] = HEX[(int) (rest & 0xF)];
				rest >>>= 4;
			}
		}

		Bodies encode(String streamId, List<NewEvent> events, Instant timestamp) {
			LineBuffer out = this.out;
			out.reset();
			int[] offsets = new int[events.size() * 4];
			int timeLength = this.timestamps.write(timestamp);
			for (int i = 0; i < events.size(); i++) {
				NewEvent event = events.get(i);
				offsets[4 * i] = out.size();
				// An id's hex digits and hyphens, like a timestamp's text, need no
				// escaping: both are written as the bytes they are.
				out.raw(UUID_OPEN, 0, UUID_OPEN.length);
				out.raw(uuidText(event.id()), 0, UUID_LENGTH);
				out.raw(STREAM_ID_NAME, 0, STREAM_ID_NAME.length);
				out.string(streamId);
				out.raw(EVENT_TYPE_NAME, 0, EVENT_TYPE_NAME.length);
				out.string(event.type());
				offsets[4 * i + 1] = out.size();
				offsets[4 * i + 2] = offsets[4 * i + 1];
				if (event.revision() > 1) {
					out.raw(REVISION_NAME, 0, REVISION_NAME.length);
					out.number(event.revision());
				}
				if (!event.tags().isEmpty()) {
					out.raw(TAGS_OPEN, 0, TAGS_OPEN.length);
					boolean first = true;
					for (String tag : event.tags()) {
						if (!first) {
							out.raw(',');
						}
						first = false;
						out.string(tag);
					}
					out.raw(']');
				}
				out.raw(DATA_NAME, 0, DATA_NAME.length);
				byte[] data = event.dataJson();
				out.raw(data, 0, data.length);
				if (event.metadata().isEmpty()) {
					out.raw(NULL_METADATA, 0, NULL_METADATA.length);
				}
				else {
					out.raw(METADATA_NAME, 0, METADATA_NAME.length);
					byte[] metadata = event.metadataJson();
					out.raw(metadata, 0, metadata.length);
				}
				out.raw(TIMESTAMP_OPEN, 0, TIMESTAMP_OPEN.length);
				out.raw(this.timestamps.bytes(), 0, timeLength);
				out.raw('"');
				offsets[4 * i + 3] = out.size();
			}
			return new Bodies(out.bytes(), offsets);
		}

	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	byte[] bytes() {
		return this.buffer.bytes();
	}

	int size() {
		return this.buffer.size();
	}

}
