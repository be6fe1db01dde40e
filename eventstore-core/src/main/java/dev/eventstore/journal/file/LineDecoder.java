package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.Texts;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Decodes journal lines with a JSON parser, validating all of them: the general path, for
 * lines of the original format, damaged lines and anything {@link FastLineReader} does
 * not take. Stateless.
 */
final class LineDecoder {

	private LineDecoder() {
	}

	/**
	 * Decodes the fields recovery needs, validating the whole line (checksum, JSON
	 * syntax, field types).
	 * @param line the bytes
	 * @param offset where the line starts
	 * @param length its length without the newline
	 * @return the header
	 * @throws LineFormat.LineFormatException if the line is damaged
	 */
	static LineFormat.Decoded decodeHeader(byte[] line, int offset, int length) {
		LineFormat.Decoded fast = FastLineReader.decodeOwnHeader(line, offset, length);
		return (fast != null) ? fast : decode(line, offset, length, false);
	}

	/**
	 * The header by full JSON parsing, never the fast path; for tests that compare the
	 * two.
	 */
	static LineFormat.Decoded decodeHeaderByParsing(byte[] line, int offset, int length) {
		return decode(line, offset, length, false);
	}

	/** Decodes a whole event; see {@link #decodeHeader}. */
	static LineFormat.Decoded decodeEvent(byte[] line, int offset, int length) {
		LineFormat.Decoded fast = FastLineReader.decodeOwn(line, offset, length, true);
		return (fast != null) ? fast : decode(line, offset, length, true);
	}

	/** The whole event by full JSON parsing, never the fast path; for tests. */
	static LineFormat.Decoded decodeEventByParsing(byte[] line, int offset, int length) {
		return decode(line, offset, length, true);
	}

	static LineFormat.Decoded decode(byte[] line, int offset, int untrimmedLength, boolean full) {
		int length = untrimmedLength;
		while (length > 0 && isWhitespace(line[offset + length - 1])) {
			length--;
		}
		int jsonLength = length;
		boolean checksummed = LineFormat.hasCrcSuffix(line, offset, length);
		if (checksummed) {
			int expected = LineFormat.parseHex(line, offset + length - 10);
			CRC32C crc = new CRC32C();
			crc.update(line, offset, length - LineFormat.CRC_SUFFIX_LENGTH);
			if ((int) crc.getValue() != expected) {
				throw new LineFormat.LineFormatException("checksum mismatch (crc " + String.format("%08x", expected)
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
		List<String> tags = List.of();
		try (JsonParser parser = JsonData.MAPPER.createParser(line, offset, jsonLength)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new LineFormat.LineFormatException("not a JSON object");
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
							throw new LineFormat.LineFormatException("\"revision\" is not a revision: " + value);
						}
						revision = (int) value;
					}
					case "uuid" -> {
						ownFormat = true;
						byte[] text = textField(parser, token, name).getBytes(StandardCharsets.US_ASCII);
						id = (text.length == 36) ? FastLineReader.parseUuid(text, 0) : null;
						if (id == null) {
							throw new LineFormat.LineFormatException(
									"\"uuid\" is not a UUID in canonical lower-case form");
						}
					}
					case "stream_id" -> streamId = textField(parser, token, name);
					case "event_type" -> type = textField(parser, token, name);
					case "timestamp" -> time = textField(parser, token, name);
					case "data" -> {
						if (token != JsonToken.START_OBJECT) {
							throw new LineFormat.LineFormatException("\"data\" is not a JSON object");
						}
						sawData = true;
						dataStart = (int) parser.currentTokenLocation().getByteOffset();
						parser.skipChildren();
						dataEnd = (int) parser.currentLocation().getByteOffset();
					}
					case "tags" -> {
						ownFormat = true;
						tags = tagsField(parser, token);
					}
					case "metadata" -> {
						if (token != JsonToken.START_OBJECT && token != JsonToken.VALUE_NULL) {
							throw new LineFormat.LineFormatException("\"metadata\" is neither a JSON object nor null");
						}
						metadata = objectField(parser, full);
					}
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				throw new LineFormat.LineFormatException("trailing content after the JSON object");
			}
		}
		catch (JacksonException ex) {
			throw new LineFormat.LineFormatException("not valid JSON: " + Texts.firstLine(ex.getOriginalMessage()));
		}
		if (ownFormat && !checksummed) {
			// Only the original Python store wrote lines without a checksum, and it never
			// wrote these fields: a damaged "crc" must not switch the check off.
			throw new LineFormat.LineFormatException("a line of this store's format without a valid \"crc\" checksum");
		}
		if (position < 1) {
			throw new LineFormat.LineFormatException("missing or invalid \"event_id\"");
		}
		if (streamId == null || streamId.isBlank()) {
			throw new LineFormat.LineFormatException("missing \"stream_id\"");
		}
		if (type == null || type.isBlank()) {
			throw new LineFormat.LineFormatException("missing \"event_type\"");
		}
		if (!sawData) {
			throw new LineFormat.LineFormatException("missing \"data\"");
		}
		if (time == null) {
			throw new LineFormat.LineFormatException("missing \"timestamp\"");
		}
		Instant timestamp = full ? parseTimestamp(time) : null;
		byte[] data = full ? Arrays.copyOfRange(line, offset + dataStart, offset + dataEnd) : null;
		return new LineFormat.Decoded(position, streamId, type, version, batchEnd, data, metadata, timestamp,
				checksummed, id, revision, tags);
	}

	static @Nullable Map<String, Object> objectField(JsonParser parser, boolean full) {
		if (!full) {
			parser.skipChildren();
			return null;
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> value = (Map<String, Object>) JsonData.read(parser);
		return value;
	}

	private static List<String> tagsField(JsonParser parser, JsonToken token) {
		if (token != JsonToken.START_ARRAY) {
			throw new LineFormat.LineFormatException("\"tags\" is not an array");
		}
		List<String> tags = new ArrayList<>();
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			if (parser.currentToken() != JsonToken.VALUE_STRING) {
				throw new LineFormat.LineFormatException("\"tags\" holds something other than strings");
			}
			tags.add(parser.getString());
		}
		return tags;
	}

	static long longField(JsonParser parser, JsonToken token, String name) {
		if (token != JsonToken.VALUE_NUMBER_INT) {
			throw new LineFormat.LineFormatException("\"" + name + "\" is not an integer");
		}
		return parser.getLongValue();
	}

	static String textField(JsonParser parser, JsonToken token, String name) {
		if (token != JsonToken.VALUE_STRING) {
			throw new LineFormat.LineFormatException("\"" + name + "\" is not a string");
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
			throw new LineFormat.LineFormatException("\"timestamp\" is not ISO-8601: " + text);
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
		if (day > YearMonth.of(year, month).lengthOfMonth()) {
			return null;
		}
		long days = LocalDate.of(year, month, day).toEpochDay();
		return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
	}

	/**
	 * The decimal number in {@code [from, to)}, or -1 if it holds anything but digits.
	 */
	static int number(String text, int from, int to) {
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

	static boolean isWhitespace(byte b) {
		return b == '\n' || b == '\r' || b == ' ' || b == '\t';
	}

}
