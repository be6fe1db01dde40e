package dev.eventstore.internal;

import org.jspecify.annotations.Nullable;

/**
 * Checks and quotes caller text: stream ids and type names, for validation and for error
 * messages of a bounded size.
 *
 * @since 0.2.0
 */
public final class Texts {

	private static final int QUOTED_PREFIX = 100;

	private Texts() {
	}

	/**
	 * Caller text for an error message: quoted, and cut to its first
	 * {@value #QUOTED_PREFIX} characters plus its length when longer, so that a huge
	 * stream id cannot make a huge message.
	 * @param text the text
	 * @return the quoted text
	 */
	public static String quote(String text) {
		if (text.length() <= QUOTED_PREFIX) {
			return "'" + text + "'";
		}
		return "'" + text.substring(0, QUOTED_PREFIX) + "…' (" + text.length() + " characters)";
	}

	/**
	 * The first line of a message (a parser's often goes on with a source excerpt).
	 * @param message the message, or null
	 * @return its first line, empty for null
	 */
	public static String firstLine(@Nullable String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

	/**
	 * A message from elsewhere (a database's, say) cut to at most 1,000 characters, since
	 * it may quote a caller's huge value.
	 * @param message the message
	 * @return the message or its first 1,000 characters and its length
	 */
	public static String abbreviate(String message) {
		return (message.length() <= 1_000) ? message
				: message.substring(0, 1_000) + "… (" + message.length() + " characters)";
	}

	/**
	 * Checks a stream id against {@code EventLimits}.
	 * @param streamId the stream id
	 * @return the stream id
	 * @throws IllegalArgumentException if it is null, blank, too long, holds a NUL or is
	 * not valid Unicode
	 */
	public static String requireStreamId(String streamId) {
		return requireName(streamId, "Stream id", Limits.MAX_STREAM_ID_LENGTH);
	}

	/**
	 * A tag: not blank, at most {@code EventLimits.MAX_TAG_LENGTH} characters, valid
	 * Unicode without NUL.
	 * @param tag the tag
	 * @return the tag
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String requireTag(String tag) {
		return requireName(tag, "Tag", Limits.MAX_TAG_LENGTH);
	}

	/**
	 * Checks an event type name against {@code EventLimits}.
	 * @param type the type name
	 * @return the type name
	 * @throws IllegalArgumentException if it is null, blank, too long, holds a NUL or is
	 * not valid Unicode
	 */
	public static String requireType(String type) {
		return requireName(type, "Event type", Limits.MAX_TYPE_LENGTH);
	}

	private static String requireName(String value, String what, int maxLength) {
		if (value != null && value.length() <= maxLength && plainName(value)) {
			// Printable ASCII, not all spaces: what names almost always are, checked in
			// one pass instead of the four below.
			return value;
		}
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(what + " must not be null or blank");
		}
		if (value.length() > maxLength) {
			throw new IllegalArgumentException(what + " " + quote(value) + " is longer than the limit of " + maxLength
					+ " characters (EventLimits)");
		}
		if (value.indexOf('\0') >= 0) {
			throw new IllegalArgumentException(what + " " + quote(value.replace('\0', '?'))
					+ " contains a NUL character, which not every journal can store");
		}
		int lone = loneSurrogate(value);
		if (lone >= 0) {
			throw new IllegalArgumentException(what + " " + quote(value) + " is not valid Unicode: a lone surrogate "
					+ String.format("U+%04X", (int) value.charAt(lone)) + " at index " + lone);
		}
		return value;
	}

	/** Whether a name is printable ASCII (so holds no NUL or surrogate) and not blank. */
	private static boolean plainName(String value) {
		boolean blank = true;
		for (int i = 0, n = value.length(); i < n; i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c > '~') {
				if (c != ' ') {
					return false;
				}
			}
			else {
				blank = false;
			}
		}
		return !blank;
	}

	/**
	 * The index of the first UTF-16 surrogate that is not part of a pair, or -1 when the
	 * text is valid Unicode.
	 * @param text the text
	 * @return the index or -1
	 */
	public static int loneSurrogate(String text) {
		for (int i = 0, n = text.length(); i < n; i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return -1;
	}

}
