package dev.eventstore.journal.support;

import dev.eventstore.internal.Texts;

/**
 * Caller text and foreign messages in error messages, at a bounded size: a 20,000
 * character stream id must not make a 40,000 character message.
 *
 * @since 0.2.0
 */
public final class ErrorText {

	private ErrorText() {
	}

	/**
	 * A stream id or other caller text, quoted, cut to its first 100 characters plus its
	 * length when longer.
	 * @param text the text
	 * @return the quoted text
	 */
	public static String quote(String text) {
		return Texts.quote(text);
	}

	/**
	 * A message from elsewhere (a database's) cut to at most 1,000 characters.
	 * @param message the message
	 * @return the message, cut
	 */
	public static String abbreviate(String message) {
		return Texts.abbreviate(message);
	}

}
