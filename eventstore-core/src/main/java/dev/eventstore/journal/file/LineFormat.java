package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.eventstore.EventLimits;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.EventIds;
import org.jspecify.annotations.Nullable;

/**
 * The journal's line format, shared by {@link LineEncoder}, {@link LineDecoder} and
 * {@link FastLineReader}. A line is one JSON object:
 *
 * <pre>
 * {"event_id":7,"uuid":"0193…","stream_id":"order-1","event_type":"OrderPlaced","version":2,"data":{...},
 *  "metadata":null,"timestamp":"2026-05-29T11:15:00.123456Z","batch_end":9,"crc":"1a2b3c4d"}
 * </pre>
 *
 * {@code batch_end}, present on every line of a batch of more than one event, is the
 * position of the batch's last event: recovery keeps a batch only when all its lines are
 * there. {@code crc} is the CRC-32C, as 8 hex digits, of the line's bytes before
 * {@code ,"crc"}. Lines without them (written by the original Python store) are read as
 * single-event batches without a checksum; a line with any field of this format
 * ({@code uuid}, {@code version}, {@code batch_end}, {@code crc}) but no valid checksum
 * is damaged. {@code uuid}, the event's id, is missing from lines written before events
 * had ids; such events get an id derived from their position.
 */
final class LineFormat {

	private LineFormat() {
	}

	/**
	 * The longest line an event can be written as: its data and metadata at their limit,
	 * the longest stream id and type escaped, and the fixed fields. A longer line is
	 * damage (zero fill or garbage with no newline, say), and readers stop buffering it
	 * there instead of growing a buffer without bound.
	 */
	static final int MAX_LINE_BYTES = EventLimits.MAX_EVENT_BYTES + 64 * 1024;

	static final byte[] CRC_PREFIX = ",\"crc\":\"".getBytes(StandardCharsets.US_ASCII);

	/** {@code ,"crc":"} + 8 hex digits + {@code "}}. */
	static final int CRC_SUFFIX_LENGTH = CRC_PREFIX.length + 8 + 2;

	static boolean hasCrcSuffix(byte[] line, int offset, int length) {
		if (length < CRC_SUFFIX_LENGTH + 2) {
			return false;
		}
		int start = offset + length - CRC_SUFFIX_LENGTH;
		return Arrays.equals(line, start, start + CRC_PREFIX.length, CRC_PREFIX, 0, CRC_PREFIX.length)
				&& line[offset + length - 2] == '"' && line[offset + length - 1] == '}';
	}

	static int parseHex(byte[] bytes, int offset) {
		int value = 0;
		for (int i = 0; i < 8; i++) {
			int digit = FastLineReader.LOWER_HEX[bytes[offset + i] & 0xFF];
			if (digit < 0) {
				throw new LineFormatException("\"crc\" is not 8 lower-case hex digits");
			}
			value = (value << 4) | digit;
		}
		return value;
	}

	/**
	 * A decoded line; {@code version} and {@code batchEnd} are -1 where the line does not
	 * carry them, {@code data}, {@code metadata} and {@code timestamp} are null in a
	 * header-only decode; {@code checksummed} is false only for a line of the original
	 * Python format, which carried no checksum.
	 */
	record Decoded(long position, String streamId, String type, long version, long batchEnd, byte @Nullable [] data,
			@Nullable Map<String, Object> metadata, @Nullable Instant timestamp, boolean checksummed, @Nullable UUID id,
			int revision, List<String> tags) {

		StoredEvent toEvent(long derivedVersion) {
			return StoredEvent.fromJson(this.position, this.streamId, derivedVersion, this.type, this.revision,
					Objects.requireNonNull(this.data), this.metadata, Objects.requireNonNull(this.timestamp),
					(this.id != null) ? this.id : EventIds.derived(this.position), this.tags);
		}

	}

	/** A damaged line: the reason says what is wrong with it. */
	static final class LineFormatException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LineFormatException(String reason) {
			super(reason, null, false, false);
		}

	}

}
