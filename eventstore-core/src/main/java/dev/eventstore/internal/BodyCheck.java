package dev.eventstore.internal;

import java.io.ByteArrayOutputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * Checks serialised event data against {@code EventLimits} in one pass over its tokens: a
 * single JSON object, nested no deeper than the limit, keys and numbers no longer than
 * theirs, every string and key valid Unicode, no NaN or infinity. The message names the
 * limit and where it was broken ({@code $.lines[2].sku}), as the checks on hand-built
 * data do.
 */
final class BodyCheck {

	/**
	 * Reads non-finite numbers as numbers, so that the check can name them and where they
	 * are rather than report an unexpected character. Property names stay canonicalised:
	 * without that, Jackson reads bytes through its slower {@code Reader} parser
	 * (docs/performance.md, "Figures behind design choices").
	 */
	private static final JsonFactory CHECKING = JsonFactory.builder()
		.streamReadConstraints(JsonData.READ_CONSTRAINTS)
		.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
		.build();

	private BodyCheck() {
	}

	/**
	 * Checks the JSON and returns it, or its compact form when the serializer broke it
	 * over lines (a journal line holds one event).
	 */
	static byte[] check(byte[] json, String what) {
		if (json.length > Limits.MAX_EVENT_BYTES) {
			throw new IllegalArgumentException(what + " takes " + json.length + " bytes of JSON; the limit is "
					+ Limits.MAX_EVENT_BYTES + " (EventLimits.MAX_EVENT_BYTES)");
		}
		try (JsonParser parser = CHECKING.createParser(ObjectReadContext.empty(), json)) {
			JsonToken token = parser.nextToken();
			if (token != JsonToken.START_OBJECT) {
				throw new IllegalArgumentException(what + " must be a JSON object, but is " + describe(token));
			}
			try {
				walk(parser, what);
			}
			catch (StreamReadException ex) {
				// Jackson decodes names itself and refuses a lone surrogate in one.
				if (String.valueOf(ex.getOriginalMessage()).contains("surrogate")) {
					throw new IllegalArgumentException(what + " holds a key at " + path(parser.streamReadContext())
							+ " that is not valid Unicode: " + ex.getOriginalMessage(), ex);
				}
				throw ex;
			}
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException(what + " must be one JSON object, but more follows it");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(what + " is not valid JSON: " + Texts.firstLine(ex.getMessage()), ex);
		}
		return hasLineBreak(json) ? compact(json) : json;
	}

	/** Walks the tokens of the object the parser is on, up to its end. */
	private static void walk(JsonParser parser, String what) {
		int depth = 1;
		while (depth > 0) {
			JsonToken token = parser.nextToken();
			if (token == null) {
				throw new IllegalArgumentException(what + " ends before its object does");
			}
			switch (token) {
				case START_OBJECT, START_ARRAY -> {
					if (++depth > Limits.MAX_NESTING_DEPTH) {
						throw new IllegalArgumentException(what + " is nested deeper than " + Limits.MAX_NESTING_DEPTH
								+ " levels at " + path(parser.streamReadContext().getParent()));
					}
				}
				case END_OBJECT, END_ARRAY -> depth--;
				case PROPERTY_NAME -> {
					String name = parser.currentName();
					if (name.length() > Limits.MAX_NAME_LENGTH) {
						throw new IllegalArgumentException(what + " has a key of " + name.length() + " characters at "
								+ path(parser.streamReadContext().getParent()) + "; the limit is "
								+ Limits.MAX_NAME_LENGTH + " (EventLimits.MAX_NAME_LENGTH)");
					}
					requireUnicode(name, "a key", parser, what);
				}
				case VALUE_STRING -> requireUnicode(parser, what);
				case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
					if (parser.isNaN()) {
						throw new IllegalArgumentException(what + " holds " + parser.getString() + " at "
								+ path(parser.streamReadContext()) + "; JSON has no NaN or infinity");
					}
					int length = parser.getStringLength();
					if (length > Limits.MAX_NUMBER_LENGTH) {
						throw new IllegalArgumentException(what + " holds a number of " + length + " characters at "
								+ path(parser.streamReadContext()) + "; the limit is " + Limits.MAX_NUMBER_LENGTH
								+ " (EventLimits.MAX_NUMBER_LENGTH)");
					}
				}
				default -> {
					// true, false, null: nothing to check
				}
			}
		}
	}

	/**
	 * Refuses a string value holding a lone surrogate: Jackson writes one as an escape
	 * and reads it back, but no other reader of the journal (a database's JSON type, say)
	 * would.
	 */
	private static void requireUnicode(JsonParser parser, String what) {
		char[] chars = parser.getStringCharacters();
		int offset = parser.getStringOffset();
		int end = offset + parser.getStringLength();
		for (int i = offset; i < end; i++) {
			if (Character.isSurrogate(chars[i])) {
				requireUnicode(parser.getString(), "a string", parser, what);
				return;
			}
		}
	}

	private static void requireUnicode(String text, String kind, JsonParser parser, String what) {
		int lone = Texts.loneSurrogate(text);
		if (lone >= 0) {
			throw new IllegalArgumentException(what + " holds " + kind + " at " + path(parser.streamReadContext())
					+ " that is not valid Unicode: a lone surrogate " + String.format("U+%04X", (int) text.charAt(lone))
					+ " at index " + lone);
		}
	}

	/** Where the parser is, as {@code $.lines[2].sku}. */
	private static String path(TokenStreamContext context) {
		StringBuilder path = new StringBuilder();
		for (TokenStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
			if (at.inArray()) {
				path.insert(0, "[" + Math.max(0, at.getCurrentIndex()) + "]");
			}
			else if (at.currentName() != null) {
				path.insert(0, "." + at.currentName());
			}
		}
		return path.insert(0, '$').toString();
	}

	private static String describe(JsonToken token) {
		if (token == null) {
			return "empty";
		}
		return switch (token) {
			case START_ARRAY -> "an array";
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case VALUE_NULL -> "null";
			default -> token.toString();
		};
	}

	/**
	 * Whether the JSON spans lines: a line break can only be whitespace between tokens,
	 * as a string holds it escaped.
	 */
	private static boolean hasLineBreak(byte[] json) {
		for (byte b : json) {
			if (b == '\n' || b == '\r') {
				return true;
			}
		}
		return false;
	}

	private static byte[] compact(byte[] json) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(json.length);
		try (JsonParser parser = CHECKING.createParser(ObjectReadContext.empty(), json);
				JsonGenerator generator = JsonData.MAPPER.createGenerator(out)) {
			parser.nextToken();
			generator.copyCurrentStructure(parser);
		}
		return out.toByteArray();
	}

}
