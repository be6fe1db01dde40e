package dev.eventstore.internal;

/**
 * Scans of serialised JSON's bytes for the store's hand-written readers (of journal
 * lines, and of stored data for its envelopes), where making a parser would cost more
 * than the read it serves.
 *
 * @since 0.2.0
 */
public final class JsonBytes {

	private JsonBytes() {
	}

	/**
	 * Where a JSON string without escapes ends.
	 * @param bytes the JSON, UTF-8
	 * @param from the offset just past the string's opening quote
	 * @param limit where to stop looking
	 * @return the offset of its closing quote, or -1 if it has an escape or does not end
	 * before {@code limit}
	 */
	public static int plainStringEnd(byte[] bytes, int from, int limit) {
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

}
