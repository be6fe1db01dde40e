package dev.eventstore.journal.file;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.EventIds;
import dev.eventstore.internal.JsonValues;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Writes and reads journal lines. A line is one JSON object:
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
 * had ids; such events get an id derived from their position. Encoding is not
 * thread-safe: the journal guards its codec with its write lock; decoding is stateless.
 */
final class LineCodec {

	private static final byte[] CRC_PREFIX = ",\"crc\":\"".getBytes(StandardCharsets.US_ASCII);

	/** {@code ,"crc":"} + 8 hex digits + {@code "}}. */
	private static final int CRC_SUFFIX_LENGTH = CRC_PREFIX.length + 8 + 2;

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EVENT_ID_OPEN = "{\"event_id\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] VERSION_NAME = ",\"version\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BATCH_END_NAME = ",\"batch_end\":".getBytes(StandardCharsets.US_ASCII);

	private static final ThreadLocal<BodyEncoder> encoders = ThreadLocal.withInitial(BodyEncoder::new);

	private final Buffer buffer = new Buffer();

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
		this.buffer.size = 0;
		return append(encodeBodies(streamId, events, timestamp), firstPosition, firstVersion);
	}

	/** Clears the buffer for a new group of batches. */
	void reset() {
		this.buffer.size = 0;
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
		Buffer b = this.buffer;
		for (int i = 0; i < count; i++) {
			starts[i] = b.size;
			b.write(EVENT_ID_OPEN, 0, EVENT_ID_OPEN.length);
			b.writeDigits(firstPosition + i);
			b.write(',');
			b.write(bodies.bytes(), bodies.namesStart(i), bodies.namesEnd(i) - bodies.namesStart(i));
			b.write(VERSION_NAME, 0, VERSION_NAME.length);
			b.writeDigits(firstVersion + i);
			b.write(bodies.bytes(), bodies.restStart(i), bodies.restEnd(i) - bodies.restStart(i));
			if (count > 1) {
				b.write(BATCH_END_NAME, 0, BATCH_END_NAME.length);
				b.writeDigits(batchEnd);
			}
			this.crc.reset();
			this.crc.update(b.bytes, starts[i], b.size - starts[i]);
			appendCrcSuffix((int) this.crc.getValue());
		}
		return starts;
	}

	private void appendCrcSuffix(int crc) {
		Buffer b = this.buffer;
		b.write(CRC_PREFIX, 0, CRC_PREFIX.length);
		for (int shift = 28; shift >= 0; shift -= 4) {
			b.write(HEX[(crc >>> shift) & 0xF]);
		}
		b.write('"');
		b.write('}');
		b.write('\n');
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
	 * A thread's encoder: a generator over a reused buffer. Not thread-safe; one per
	 * thread.
	 */
	private static final class BodyEncoder {

		private final Buffer buffer = new Buffer();

		private final JsonGenerator generator = JsonValues.MAPPER.createGenerator(this.buffer);

		Bodies encode(String streamId, List<NewEvent> events, Instant timestamp) {
			this.buffer.size = 0;
			int[] offsets = new int[events.size() * 4];
			String time = timestamp.toString();
			JsonGenerator gen = this.generator;
			for (int i = 0; i < events.size(); i++) {
				NewEvent event = events.get(i);
				gen.writeStartObject();
				gen.flush();
				offsets[4 * i] = this.buffer.size;
				gen.writeName("uuid");
				gen.writeString(event.id().toString());
				gen.writeName("stream_id");
				gen.writeString(streamId);
				gen.writeName("event_type");
				gen.writeString(event.type());
				gen.flush();
				offsets[4 * i + 1] = this.buffer.size;
				offsets[4 * i + 2] = this.buffer.size;
				if (event.revision() > 1) {
					gen.writeName("revision");
					gen.writeNumber(event.revision());
				}
				gen.writeName("data");
				JsonValues.write(gen, event.data());
				gen.writeName("metadata");
				JsonValues.write(gen, event.metadata().isEmpty() ? null : event.metadata());
				gen.writeName("timestamp");
				gen.writeString(time);
				gen.flush();
				offsets[4 * i + 3] = this.buffer.size;
				gen.writeEndObject();
				gen.flush();
			}
			return new Bodies(this.buffer.bytes, offsets);
		}

	}

	byte[] bytes() {
		return this.buffer.bytes;
	}

	int size() {
		return this.buffer.size;
	}

	/**
	 * Decodes the fields recovery needs, validating the whole line (checksum, JSON
	 * syntax, field types).
	 * @param line the bytes
	 * @param offset where the line starts
	 * @param length its length without the newline
	 * @return the header
	 * @throws LineFormatException if the line is damaged
	 */
	static Decoded decodeHeader(byte[] line, int offset, int length) {
		Decoded fast = decodeOwnHeader(line, offset, length);
		return (fast != null) ? fast : decode(line, offset, length, false);
	}

	private static final byte[] EVENT_ID = "{\"event_id\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STREAM_ID = ",\"stream_id\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] UUID_FIELD = ",\"uuid\":\"".getBytes(StandardCharsets.US_ASCII);

	/**
	 * A UUID's 36 characters in canonical form, or null if they are not.
	 */
	/** The value of each lower-case hex digit by byte, -1 for any other byte. */
	private static final byte[] LOWER_HEX = new byte[256];

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

	private static final byte[] EVENT_TYPE = "\",\"event_type\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] VERSION = "\",\"version\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BATCH_END = ",\"batch_end\":".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Reads the header of a line this codec wrote, by position, without tokenising the
	 * JSON: a matching checksum proves the line is the one written, so its layout is
	 * known. Returns null for anything else (no or a wrong checksum, escapes in the
	 * names, another layout), which then takes the full decode.
	 */
	private static @Nullable Decoded decodeOwnHeader(byte[] line, int offset, int length) {
		return decodeOwn(line, offset, length, false);
	}

	private static final byte[] REVISION = ",\"revision\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DATA = ",\"data\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TIMESTAMP = ",\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NULL_METADATA = ",\"metadata\":null".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Reads a line this codec wrote, by position, as {@link #decodeOwnHeader} does, and
	 * with the header also its data (the byte range of the data object, found from both
	 * ends without tokenising it) and timestamp. Only lines with no metadata take this
	 * path; null sends the line to the full decode.
	 */
	private static @Nullable Decoded decodeOwn(byte[] line, int offset, int length, boolean withBody) {
		if (!hasCrcSuffix(line, offset, length)) {
			return null;
		}
		int crcAt = offset + length - CRC_SUFFIX_LENGTH;
		CRC32C crc = new CRC32C();
		crc.update(line, offset, crcAt - offset);
		int expected;
		try {
			expected = parseHex(line, offset + length - 10);
		}
		catch (LineFormatException ex) {
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
		int streamEnd = plainStringEnd(line, streamStart, crcAt);
		if (streamEnd < 0 || !startsWith(line, streamEnd, EVENT_TYPE)) {
			return null;
		}
		int typeStart = streamEnd + EVENT_TYPE.length;
		int typeEnd = plainStringEnd(line, typeStart, crcAt);
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
		byte[] data = null;
		Instant timestamp = null;
		if (withBody) {
			int body = versionEnd;
			if (startsWith(line, body, REVISION)) {
				int revisionEnd = digits(line, body + REVISION.length, crcAt);
				revision = (int) parseLong(line, body + REVISION.length, revisionEnd);
				body = revisionEnd;
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
			timestamp = parseTimestamp(new String(line, timeStart, timeEnd - timeStart, StandardCharsets.US_ASCII));
		}
		String streamId = new String(line, streamStart, streamEnd - streamStart, StandardCharsets.UTF_8);
		String type = new String(line, typeStart, typeEnd - typeStart, StandardCharsets.UTF_8);
		if (position < 1 || streamId.isBlank() || type.isBlank() || revision < 1) {
			return null;
		}
		return new Decoded(position, streamId, type, parseLong(line, versionStart, versionEnd), batchEnd, data, null,
				timestamp, true, id, revision);
	}

	private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
		return at + prefix.length <= bytes.length
				&& Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
	}

	private static boolean startsWithBefore(byte[] bytes, int end, byte[] suffix) {
		return end - suffix.length >= 0 && Arrays.equals(bytes, end - suffix.length, end, suffix, 0, suffix.length);
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	private static int digits(byte[] bytes, int from, int limit) {
		int at = from;
		while (at < limit && at - from < 18 && isDigit(bytes[at])) {
			at++;
		}
		return at;
	}

	private static long parseLong(byte[] bytes, int from, int to) {
		long value = 0;
		for (int i = from; i < to; i++) {
			value = value * 10 + (bytes[i] - '0');
		}
		return value;
	}

	/**
	 * Where a JSON string without escapes ends (its closing quote), or -1 if it has
	 * escapes.
	 */
	private static int plainStringEnd(byte[] bytes, int from, int limit) {
		for (int i = from; i < limit; i++) {
			byte b = bytes[i];
			if (b == '"') {
				return i;
			}
			if (b == '\\') {
				return -1;
			}
		}
		return -1;
	}

	/**
	 * The header by full JSON parsing, never the fast path; for tests that compare the
	 * two.
	 */
	static Decoded decodeHeaderByParsing(byte[] line, int offset, int length) {
		return decode(line, offset, length, false);
	}

	/** Decodes a whole event; see {@link #decodeHeader}. */
	static Decoded decodeEvent(byte[] line, int offset, int length) {
		Decoded fast = decodeOwn(line, offset, length, true);
		return (fast != null) ? fast : decode(line, offset, length, true);
	}

	/** The whole event by full JSON parsing, never the fast path; for tests. */
	static Decoded decodeEventByParsing(byte[] line, int offset, int length) {
		return decode(line, offset, length, true);
	}

	private static Decoded decode(byte[] line, int offset, int untrimmedLength, boolean full) {
		int length = untrimmedLength;
		while (length > 0 && isWhitespace(line[offset + length - 1])) {
			length--;
		}
		int jsonLength = length;
		boolean checksummed = hasCrcSuffix(line, offset, length);
		if (checksummed) {
			int expected = parseHex(line, offset + length - 10);
			CRC32C crc = new CRC32C();
			crc.update(line, offset, length - CRC_SUFFIX_LENGTH);
			if ((int) crc.getValue() != expected) {
				throw new LineFormatException("checksum mismatch (crc " + String.format("%08x", expected)
						+ " recorded, " + String.format("%08x", (int) crc.getValue()) + " computed)");
			}
		}
		long position = -1;
		long version = -1;
		long batchEnd = -1;
		String streamId = null;
		String type = null;
		String time = null;
		boolean sawData = false;
		int dataStart = 0;
		int dataEnd = 0;
		int revision = 1;
		boolean ownFormat = false;
		UUID id = null;
		Map<String, Object> metadata = null;
		try (JsonParser parser = JsonValues.MAPPER.createParser(line, offset, jsonLength)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new LineFormatException("not a JSON object");
			}
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "event_id" -> position = longField(parser, token, name);
					case "version" -> {
						ownFormat = true;
						version = longField(parser, token, name);
					}
					case "batch_end" -> {
						ownFormat = true;
						batchEnd = longField(parser, token, name);
					}
					case "crc" -> {
						ownFormat = true;
						parser.skipChildren();
					}
					case "revision" -> {
						ownFormat = true;
						long value = longField(parser, token, name);
						if (value < 1 || value > Integer.MAX_VALUE) {
							throw new LineFormatException("\"revision\" is not a revision: " + value);
						}
						revision = (int) value;
					}
					case "uuid" -> {
						ownFormat = true;
						byte[] text = textField(parser, token, name).getBytes(StandardCharsets.US_ASCII);
						id = (text.length == 36) ? parseUuid(text, 0) : null;
						if (id == null) {
							throw new LineFormatException("\"uuid\" is not a UUID in canonical lower-case form");
						}
					}
					case "stream_id" -> streamId = textField(parser, token, name);
					case "event_type" -> type = textField(parser, token, name);
					case "timestamp" -> time = textField(parser, token, name);
					case "data" -> {
						if (token != JsonToken.START_OBJECT) {
							throw new LineFormatException("\"data\" is not a JSON object");
						}
						sawData = true;
						dataStart = (int) parser.currentTokenLocation().getByteOffset();
						parser.skipChildren();
						dataEnd = (int) parser.currentLocation().getByteOffset();
					}
					case "metadata" -> {
						if (token != JsonToken.START_OBJECT && token != JsonToken.VALUE_NULL) {
							throw new LineFormatException("\"metadata\" is neither a JSON object nor null");
						}
						metadata = objectField(parser, full);
					}
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				throw new LineFormatException("trailing content after the JSON object");
			}
		}
		catch (JacksonException ex) {
			throw new LineFormatException("not valid JSON: " + firstLine(ex.getOriginalMessage()));
		}
		if (ownFormat && !checksummed) {
			// Only the original Python store wrote lines without a checksum, and it never
			// wrote these fields: a damaged "crc" must not switch the check off.
			throw new LineFormatException("a line of this store's format without a valid \"crc\" checksum");
		}
		if (position < 1) {
			throw new LineFormatException("missing or invalid \"event_id\"");
		}
		if (streamId == null || streamId.isBlank()) {
			throw new LineFormatException("missing \"stream_id\"");
		}
		if (type == null || type.isBlank()) {
			throw new LineFormatException("missing \"event_type\"");
		}
		if (!sawData) {
			throw new LineFormatException("missing \"data\"");
		}
		if (time == null) {
			throw new LineFormatException("missing \"timestamp\"");
		}
		Instant timestamp = full ? parseTimestamp(time) : null;
		byte[] data = full ? Arrays.copyOfRange(line, offset + dataStart, offset + dataEnd) : null;
		return new Decoded(position, streamId, type, version, batchEnd, data, metadata, timestamp, checksummed, id,
				revision);
	}

	private static @Nullable Map<String, Object> objectField(JsonParser parser, boolean full) {
		if (!full) {
			parser.skipChildren();
			return null;
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> value = (Map<String, Object>) JsonValues.read(parser);
		return value;
	}

	private static long longField(JsonParser parser, JsonToken token, String name) {
		if (token != JsonToken.VALUE_NUMBER_INT) {
			throw new LineFormatException("\"" + name + "\" is not an integer");
		}
		return parser.getLongValue();
	}

	private static String textField(JsonParser parser, JsonToken token, String name) {
		if (token != JsonToken.VALUE_STRING) {
			throw new LineFormatException("\"" + name + "\" is not a string");
		}
		return parser.getString();
	}

	/** ISO-8601 with an offset, or naive (as the Python store wrote them) read as UTC. */
	static Instant parseTimestamp(String text) {
		Instant fast = parseInstantToString(text);
		if (fast != null) {
			return fast;
		}
		try {
			TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, Instant::from,
					LocalDateTime::from);
			return (parsed instanceof Instant instant) ? instant : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			throw new LineFormatException("\"timestamp\" is not ISO-8601: " + text);
		}
	}

	/**
	 * The form {@link Instant#toString()} writes, {@code 2026-11-25T10:15:30.123456Z}
	 * (years 0000 to 9999, a fraction of up to nine digits or none), read without the
	 * general formatter that every read of a line would otherwise pay for; null for any
	 * other form, which the formatter then reads.
	 */
	static @Nullable Instant parseInstantToString(String text) {
		int length = text.length();
		if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
				|| text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':') {
			return null;
		}
		int year = number(text, 0, 4);
		int month = number(text, 5, 7);
		int day = number(text, 8, 10);
		int hour = number(text, 11, 13);
		int minute = number(text, 14, 16);
		int second = number(text, 17, 19);
		if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 + 3 || hour < 0 || hour > 23 || minute < 0
				|| minute > 59 || second < 0 || second > 59) {
			return null;
		}
		int nanos = 0;
		if (length > 20) {
			if (text.charAt(19) != '.' || length == 21) {
				return null;
			}
			int fraction = number(text, 20, length - 1);
			if (fraction < 0) {
				return null;
			}
			nanos = fraction;
			for (int digits = length - 21; digits < 9; digits++) {
				nanos *= 10;
			}
		}
		else if (text.charAt(19) != 'Z') {
			return null;
		}
		if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
			return null;
		}
		long days = java.time.LocalDate.of(year, month, day).toEpochDay();
		return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
	}

	/**
	 * The decimal number in {@code [from, to)}, or -1 if it holds anything but digits.
	 */
	private static int number(String text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	private static boolean isWhitespace(byte b) {
		return b == '\n' || b == '\r' || b == ' ' || b == '\t';
	}

	private static boolean hasCrcSuffix(byte[] line, int offset, int length) {
		if (length < CRC_SUFFIX_LENGTH + 2) {
			return false;
		}
		int start = offset + length - CRC_SUFFIX_LENGTH;
		return Arrays.equals(line, start, start + CRC_PREFIX.length, CRC_PREFIX, 0, CRC_PREFIX.length)
				&& line[offset + length - 2] == '"' && line[offset + length - 1] == '}';
	}

	private static int parseHex(byte[] bytes, int offset) {
		int value = 0;
		for (int i = 0; i < 8; i++) {
			int digit = LOWER_HEX[bytes[offset + i] & 0xFF];
			if (digit < 0) {
				throw new LineFormatException("\"crc\" is not 8 lower-case hex digits");
			}
			value = (value << 4) | digit;
		}
		return value;
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	/**
	 * A decoded line; {@code version} and {@code batchEnd} are -1 where the line does not
	 * carry them, {@code data}, {@code metadata} and {@code timestamp} are null in a
	 * header-only decode; {@code checksummed} is false only for a line of the original
	 * Python format, which carried no checksum.
	 */
	record Decoded(long position, String streamId, String type, long version, long batchEnd, byte @Nullable [] data,
			@Nullable Map<String, Object> metadata, @Nullable Instant timestamp, boolean checksummed, @Nullable UUID id,
			int revision) {

		StoredEvent toEvent(long derivedVersion) {
			return StoredEvent.fromJson(this.position, this.streamId, derivedVersion, this.type, this.revision,
					java.util.Objects.requireNonNull(this.data), this.metadata,
					java.util.Objects.requireNonNull(this.timestamp),
					(this.id != null) ? this.id : EventIds.derived(this.position));
		}

	}

	/** A damaged line: the reason says what is wrong with it. */
	static final class LineFormatException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		LineFormatException(String reason) {
			super(reason, null, false, false);
		}

	}

	/** A growable byte buffer the generator writes into; reused for every batch. */
	static final class Buffer extends OutputStream {

		byte[] bytes = new byte[16 * 1024];

		int size;

		@Override
		public void write(int b) {
			ensure(1);
			this.bytes[this.size++] = (byte) b;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			ensure(len);
			System.arraycopy(b, off, this.bytes, this.size, len);
			this.size += len;
		}

		void writeDigits(long value) {
			if (value < 10) {
				write((int) ('0' + value));
				return;
			}
			ensure(20);
			int length = 1;
			for (long rest = value / 10; rest > 0; rest /= 10) {
				length++;
			}
			long rest = value;
			for (int i = this.size + length - 1; i >= this.size; i--) {
				this.bytes[i] = (byte) ('0' + rest % 10);
				rest /= 10;
			}
			this.size += length;
		}

		private void ensure(int extra) {
			if (this.size + extra > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + extra));
			}
		}

	}

}
