package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import dev.eventstore.internal.JsonBytes;
import org.jspecify.annotations.Nullable;

/**
 * Finds, in stored data as the store writes it, where each personal field's envelope is
 * and the text of each field's subject id, by looking at the bytes of the top-level
 * object without a parser. Written by hand rather than with Jackson's streaming parser:
 * making a parser for a payload of a few hundred bytes cost more than both of its
 * decryptions (docs/performance.md). It handles what the store writes (compact or spaced
 * JSON, any nesting, escapes in values it does not use) and gives up, for the caller to
 * take the parser's way, at anything else: an escape in a name, in an envelope or in a
 * subject id, a subject id that is an object or an array, or bytes that are not a JSON
 * object. Its answers equal the parser's wherever it gives one (tested against it).
 */
final class EnvelopeOffsets {

	/** The names, as bytes, a class's personal fields and their subjects have in JSON. */
	private static final ClassValue<byte[][]> NAMES = new ClassValue<>() {
		@Override
		protected byte[][] computeValue(Class<?> type) {
			List<PersonalFields.Field> fields = PersonalFields.of(type).fields();
			byte[][] names = new byte[fields.size() * 2][];
			for (int i = 0; i < fields.size(); i++) {
				names[2 * i] = fields.get(i).json().getBytes(StandardCharsets.UTF_8);
				names[2 * i + 1] = fields.get(i).subjectJson().getBytes(StandardCharsets.UTF_8);
			}
			return names;
		}
	};

	/** Set in an offset {@link #valueEnd} gives for a string holding an escape. */
	private static final int ESCAPED = 1 << 30;

	private EnvelopeOffsets() {
	}

	/**
	 * Finds the envelopes and subject ids of the fields.
	 * @param json the stored data, UTF-8
	 * @param fields the payload class's personal fields
	 * @param subjects filled with each field's subject id as text, left null where the
	 * subject is missing or null
	 * @param starts filled with the offset of each field's envelope's opening quote
	 * @param ends filled with the offset just past its closing quote, left 0 where the
	 * field holds no envelope
	 * @return how many envelopes it found, or -1 if it gave up
	 */
	static int find(byte[] json, PersonalFields fields, @Nullable String[] subjects, int[] starts, int[] ends) {
		byte[][] names = NAMES.get(fields.type());
		int count = subjects.length;
		int i = whitespace(json, 0);
		if (json.length >= ESCAPED || i >= json.length || json[i] != '{') {
			return -1;
		}
		i = whitespace(json, i + 1);
		if (i < json.length && json[i] == '}') {
			return 0;
		}
		while (true) {
			if (i >= json.length || json[i] != '"') {
				return -1;
			}
			int nameQuote = i;
			int nameEnd = JsonBytes.plainStringEnd(json, i + 1, json.length);
			if (nameEnd < 0) {
				return -1;
			}
			i = whitespace(json, nameEnd + 1);
			if (i >= json.length || json[i] != ':') {
				return -1;
			}
			int value = whitespace(json, i + 1);
			int valueEnd = valueEnd(json, value);
			if (valueEnd < 0) {
				return -1;
			}
			boolean escaped = (valueEnd & ESCAPED) != 0;
			valueEnd &= ~ESCAPED;
			for (int f = 0; f < count; f++) {
				if (named(json, nameQuote, nameEnd, names[2 * f + 1])
						&& (escaped || !subject(json, value, valueEnd, subjects, f))) {
					return -1;
				}
				if (named(json, nameQuote, nameEnd, names[2 * f]) && json[value] == '"') {
					if (escaped) {
						// An envelope (or what may be one) written with escapes: the
						// parser's way.
						if (startsWithPrefix(json, value, valueEnd) || hasEscapeInPrefix(json, value, valueEnd)) {
							return -1;
						}
					}
					else if (startsWithPrefix(json, value, valueEnd)) {
						starts[f] = value;
						ends[f] = valueEnd;
					}
				}
			}
			i = whitespace(json, valueEnd);
			if (i >= json.length) {
				return -1;
			}
			if (json[i] == '}') {
				break;
			}
			if (json[i] != ',') {
				return -1;
			}
			i = whitespace(json, i + 1);
		}
		int found = 0;
		for (int f = 0; f < count; f++) {
			if (ends[f] != 0) {
				found++;
			}
		}
		return found;
	}

	/** Whether the name between these quotes is this one. */
	private static boolean named(byte[] json, int nameQuote, int nameEnd, byte[] name) {
		return nameEnd - nameQuote - 1 == name.length
				&& Arrays.equals(json, nameQuote + 1, nameEnd, name, 0, name.length);
	}

	/**
	 * Records a subject id's text; false for one this does not read (an escape, a
	 * structure).
	 */
	private static boolean subject(byte[] json, int value, int valueEnd, @Nullable String[] subjects, int f) {
		byte first = json[value];
		if (first == '"') {
			subjects[f] = new String(json, value + 1, valueEnd - value - 2, StandardCharsets.UTF_8);
			return true;
		}
		if (first == '{' || first == '[') {
			return false;
		}
		if (!(valueEnd - value == 4 && json[value] == 'n' && json[value + 1] == 'u' && json[value + 2] == 'l'
				&& json[value + 3] == 'l')) {
			subjects[f] = new String(json, value, valueEnd - value, StandardCharsets.US_ASCII);
		}
		return true;
	}

	private static boolean startsWithPrefix(byte[] json, int value, int valueEnd) {
		byte[] prefix = Envelopes.PREFIX;
		return valueEnd - value - 2 >= prefix.length
				&& Arrays.equals(json, value + 1, value + 1 + prefix.length, prefix, 0, prefix.length);
	}

	/** Whether a string value holds an escape where the prefix would be. */
	private static boolean hasEscapeInPrefix(byte[] json, int value, int valueEnd) {
		int end = Math.min(valueEnd - 1, value + 1 + Envelopes.PREFIX.length);
		for (int i = value + 1; i < end; i++) {
			if (json[i] == '\\') {
				return true;
			}
		}
		return false;
	}

	/**
	 * The offset just past the value starting at {@code i}, with {@link #ESCAPED} set if
	 * it is a string holding an escape; -1 if it does not end.
	 */
	private static int valueEnd(byte[] json, int i) {
		if (i >= json.length) {
			return -1;
		}
		byte first = json[i];
		if (first == '"') {
			return stringEnd(json, i);
		}
		if (first == '{' || first == '[') {
			int depth = 0;
			while (i < json.length) {
				byte b = json[i];
				if (b == '"') {
					i = stringEnd(json, i);
					if (i < 0) {
						return -1;
					}
					i &= ~ESCAPED;
					continue;
				}
				if (b == '{' || b == '[') {
					depth++;
				}
				else if (b == '}' || b == ']') {
					if (--depth == 0) {
						return i + 1;
					}
				}
				i++;
			}
			return -1;
		}
		int start = i;
		while (i < json.length && json[i] != ',' && json[i] != '}' && json[i] != ']' && !isWhitespace(json[i])) {
			i++;
		}
		return (i > start) ? i : -1;
	}

	/**
	 * The offset just past the string opening at {@code quote}, with {@link #ESCAPED} set
	 * if it holds an escape; -1 if it does not end.
	 */
	private static int stringEnd(byte[] json, int quote) {
		int escaped = 0;
		for (int i = quote + 1; i < json.length; i++) {
			byte b = json[i];
			if (b == '"') {
				return (i + 1) | escaped;
			}
			if (b == '\\') {
				escaped = ESCAPED;
				i++;
			}
		}
		return -1;
	}

	private static int whitespace(byte[] json, int i) {
		while (i < json.length && isWhitespace(json[i])) {
			i++;
		}
		return i;
	}

	private static boolean isWhitespace(byte b) {
		return b == ' ' || b == '\n' || b == '\r' || b == '\t';
	}

}
