package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

import dev.eventstore.internal.JsonBytes;
import org.jspecify.annotations.Nullable;

/**
 * Reads lines this store wrote by position, without a JSON parser: the fields sit in a
 * fixed order, so a line that matches the expected shape and checksum is decoded in one
 * pass; anything else is left to {@link LineDecoder}. Stateless.
 */
final class FastLineReader {

	private FastLineReader() {
	}

	static final byte[] EVENT_ID = "{\"event_id\":".getBytes(StandardCharsets.US_ASCII);

	static final byte[] STREAM_ID = ",\"stream_id\":\"".getBytes(StandardCharsets.US_ASCII);

	static final byte[] UUID_FIELD = ",\"uuid\":\"".getBytes(StandardCharsets.US_ASCII);

	/**
	 * A UUID's 36 characters in canonical form, or null if they are not.
	 */
	/** The value of each lower-case hex digit by byte, -1 for any other byte. */
	static final byte[] LOWER_HEX = new byte[256];

	static {
		Arrays.fill(LOWER_HEX, (byte) -1);
		for (int i = 0; i < 16; i++) {
			LOWER_HEX["0123456789abcdef".charAt(i)] = (byte) i;
		}
	}

	static @Nullable UUID parseUuid(byte[] bytes, int at) {
		if (at + 36 > bytes.length) {
			return null;
		}
		long high = 0;
		long low = 0;
		int digits = 0;
		for (int i = 0; i < 36; i++) {
			byte b = bytes[at + i];
			if (i == 8 || i == 13 || i == 18 || i == 23) {
				if (b != '-') {
					return null;
				}
				continue;
			}
			int digit = LOWER_HEX[b & 0xFF];
			if (digit < 0) {
				return null;
			}
			if (digits < 16) {
				high = (high << 4) | digit;
			}
			else {
				low = (low << 4) | digit;
			}
			digits++;
		}
		return new UUID(high, low);
	}

	static final byte[] EVENT_TYPE = "\",\"event_type\":\"".getBytes(StandardCharsets.US_ASCII);

	static final byte[] VERSION = "\",\"version\":".getBytes(StandardCharsets.US_ASCII);

	static final byte[] BATCH_END = ",\"batch_end\":".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Reads the header of a line this codec wrote, by position, without tokenising the
	 * JSON: a matching checksum proves the line is the one written, so its layout is
	 * known. Returns null for anything else (no or a wrong checksum, escapes in the
	 * names, another layout), which then takes the full decode.
	 */
	static LineFormat.@Nullable Decoded decodeOwnHeader(byte[] line, int offset, int length) {
		return decodeOwn(line, offset, length, false);
	}

	static final byte[] REVISION = ",\"revision\":".getBytes(StandardCharsets.US_ASCII);

	static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);

	static final byte[] TIMESTAMP = ",\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

	static final byte[] TAGS = ",\"tags\":[".getBytes(StandardCharsets.US_ASCII);

	static final byte[] NULL_METADATA = ",\"metadata\":null".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Reads a line this codec wrote, by position, as {@link #decodeOwnHeader} does, and
	 * with the header also its data (the byte range of the data object, found from both
	 * ends without tokenising it) and timestamp. Only lines with no metadata take this
	 * path; null sends the line to the full decode.
	 */
	static LineFormat.@Nullable Decoded decodeOwn(byte[] line, int offset, int length, boolean withBody) {
		if (!LineFormat.hasCrcSuffix(line, offset, length)) {
			return null;
		}
		int crcAt = offset + length - LineFormat.CRC_SUFFIX_LENGTH;
		CRC32C crc = new CRC32C();
		crc.update(line, offset, crcAt - offset);
		int expected;
		try {
			expected = LineFormat.parseHex(line, offset + length - 10);
		}
		catch (LineFormat.LineFormatException ex) {
			return null;
		}
		if ((int) crc.getValue() != expected || !startsWith(line, offset, EVENT_ID)) {
			return null;
		}
		int at = offset + EVENT_ID.length;
		int digitsEnd = digits(line, at, crcAt);
		if (digitsEnd == at) {
			return null;
		}
		long position = parseLong(line, at, digitsEnd);
		UUID id = null;
		int idEnd = digitsEnd + UUID_FIELD.length + 36;
		if (startsWith(line, digitsEnd, UUID_FIELD) && idEnd < crcAt && line[idEnd] == '"') {
			id = parseUuid(line, digitsEnd + UUID_FIELD.length);
			if (id == null) {
				return null;
			}
			digitsEnd = idEnd + 1;
		}
		if (!startsWith(line, digitsEnd, STREAM_ID)) {
			return null;
		}
		int streamStart = digitsEnd + STREAM_ID.length;
		int streamEnd = JsonBytes.plainStringEnd(line, streamStart, crcAt);
		if (streamEnd < 0 || !startsWith(line, streamEnd, EVENT_TYPE)) {
			return null;
		}
		int typeStart = streamEnd + EVENT_TYPE.length;
		int typeEnd = JsonBytes.plainStringEnd(line, typeStart, crcAt);
		if (typeEnd < 0 || !startsWith(line, typeEnd, VERSION)) {
			return null;
		}
		int versionStart = typeEnd + VERSION.length;
		int versionEnd = digits(line, versionStart, crcAt);
		if (versionEnd == versionStart) {
			return null;
		}
		long batchEnd = -1;
		int batchDigitsStart = crcAt;
		while (batchDigitsStart > versionEnd && isDigit(line[batchDigitsStart - 1])) {
			batchDigitsStart--;
		}
		if (batchDigitsStart < crcAt && startsWithBefore(line, batchDigitsStart, BATCH_END)) {
			batchEnd = parseLong(line, batchDigitsStart, crcAt);
		}
		int revision = 1;
		List<String> tags = List.of();
		byte[] data = null;
		Instant timestamp = null;
		if (withBody) {
			int body = versionEnd;
			if (startsWith(line, body, REVISION)) {
				int revisionEnd = digits(line, body + REVISION.length, crcAt);
				revision = (int) parseLong(line, body + REVISION.length, revisionEnd);
				body = revisionEnd;
			}
			if (startsWith(line, body, TAGS)) {
				int next = body + TAGS.length;
				tags = new ArrayList<>(4);
				while (true) {
					if (line[next] != '"') {
						return null;
					}
					int end = JsonBytes.plainStringEnd(line, next + 1, crcAt);
					if (end < 0) {
						// Escapes in a tag: the full decode reads them.
						return null;
					}
					tags.add(new String(line, next + 1, end - next - 1, StandardCharsets.UTF_8));
					next = end + 1;
					if (line[next] == ']') {
						body = next + 1;
						break;
					}
					if (line[next] != ',') {
						return null;
					}
					next++;
				}
			}
			if (!startsWith(line, body, DATA)) {
				return null;
			}
			int end = (batchEnd == -1) ? crcAt : batchDigitsStart - BATCH_END.length;
			int timeEnd = end - 1;
			if (line[timeEnd] != '"') {
				return null;
			}
			int timeStart = timeEnd;
			while (timeStart > body && line[timeStart - 1] != '"') {
				timeStart--;
			}
			if (!startsWithBefore(line, timeStart, TIMESTAMP)
					|| !startsWithBefore(line, timeStart - TIMESTAMP.length, NULL_METADATA)) {
				return null;
			}
			int dataEnd = timeStart - TIMESTAMP.length - NULL_METADATA.length;
			data = Arrays.copyOfRange(line, body + DATA.length, dataEnd);
			timestamp = LineDecoder
				.parseTimestamp(new String(line, timeStart, timeEnd - timeStart, StandardCharsets.US_ASCII));
		}
		String streamId = new String(line, streamStart, streamEnd - streamStart, StandardCharsets.UTF_8);
		String type = new String(line, typeStart, typeEnd - typeStart, StandardCharsets.UTF_8);
		if (position < 1 || streamId.isBlank() || type.isBlank() || revision < 1) {
			return null;
		}
		return new LineFormat.Decoded(position, streamId, type, parseLong(line, versionStart, versionEnd), batchEnd,
				data, null, timestamp, true, id, revision, tags);
	}

	static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
		return at + prefix.length <= bytes.length
				&& Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
	}

	static boolean startsWithBefore(byte[] bytes, int end, byte[] suffix) {
		return end - suffix.length >= 0 && Arrays.equals(bytes, end - suffix.length, end, suffix, 0, suffix.length);
	}

	static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	static int digits(byte[] bytes, int from, int limit) {
		int at = from;
		while (at < limit && at - from < 18 && isDigit(bytes[at])) {
			at++;
		}
		return at;
	}

	static long parseLong(byte[] bytes, int from, int to) {
		long value = 0;
		for (int i = from; i < to; i++) {
			value = value * 10 + (bytes[i] - '0');
		}
		return value;
	}

}
