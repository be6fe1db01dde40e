package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer the journal composes its lines in: the fields around each event's
 * data and metadata (which are written as the serializer made them), with strings escaped
 * as Jackson escapes them ({@code \b \t \n \f \r \" \\} and {@code \}{@code u00XX} for
 * other control characters). Hand-written rather than Jackson's generator because it
 * writes a stream id, a type and a few numbers per line around raw bytes, which the
 * generator's per-token bookkeeping would cost more than (the "store: append, fsync
 * NEVER" row). Not thread-safe: one per thread.
 */
final class LineBuffer {

	private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

	/** Characters of a string encoded per check of the buffer's room. */
	private static final int STRING_CHUNK = 1024;

	private byte[] bytes = new byte[16 * 1024];

	private int size;

	/** The bytes written since the last {@link #reset()}, from 0 to {@link #size()}. */
	byte[] bytes() {
		return this.bytes;
	}

	/** How many bytes are written. */
	int size() {
		return this.size;
	}

	/** Forgets what was written; keeps the buffer and the encoded keys. */
	void reset() {
		this.size = 0;
	}

	/**
	 * Writes bytes as they are: JSON the caller composed.
	 * @param raw the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	void raw(byte[] raw, int offset, int length) {
		ensure(length);
		System.arraycopy(raw, offset, this.bytes, this.size, length);
		this.size += length;
	}

	/**
	 * Writes one byte as it is.
	 * @param b the byte
	 */
	void raw(char b) {
		ensure(1);
		this.bytes[this.size++] = (byte) b;
	}

	/**
	 * Writes a string, quoted and escaped.
	 * @param text the text, valid Unicode
	 * @throws IllegalArgumentException if it holds a lone surrogate
	 */
	void string(String text) {
		int length = text.length();
		raw('"');
		for (int from = 0; from < length;) {
			// Room for a chunk at its longest: 6 bytes a character (a control character's
			// escape), and a surrogate pair's 4 bytes past its end.
			int to = Math.min(length, from + STRING_CHUNK);
			ensure(6 * (to - from) + 4);
			from = encode(text, from, to);
		}
		raw('"');
	}

	/**
	 * Encodes characters {@code from} to {@code to} (one more when the last is a high
	 * surrogate) into the buffer, which has room.
	 * @return the index after the last character encoded
	 */
	private int encode(String text, int from, int to) {
		byte[] out = this.bytes;
		int at = this.size;
		int i = from;
		for (; i < to; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				if (c >= 0x20 && c != '"' && c != '\\') {
					out[at++] = (byte) c;
				}
				else {
					at = escape(c, out, at);
				}
			}
			else if (c < 0x800) {
				out[at++] = (byte) (0xC0 | (c >> 6));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isSurrogate(c)) {
				char low = (i + 1 < text.length()) ? text.charAt(i + 1) : 0;
				if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(low)) {
					this.size = at;
					throw new IllegalArgumentException("Text holds a lone surrogate at index " + i);
				}
				int codePoint = Character.toCodePoint(c, low);
				out[at++] = (byte) (0xF0 | (codePoint >> 18));
				out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (codePoint & 0x3F));
				i++;
			}
			else {
				out[at++] = (byte) (0xE0 | (c >> 12));
				out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				out[at++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		this.size = at;
		return i;
	}

	private static int escape(char c, byte[] out, int at) {
		int next = at;
		out[next++] = '\\';
		char shortForm = switch (c) {
			case '"' -> '"';
			case '\\' -> '\\';
			case '\b' -> 'b';
			case '\t' -> 't';
			case '\n' -> 'n';
			case '\f' -> 'f';
			case '\r' -> 'r';
			default -> 0;
		};
		if (shortForm != 0) {
			out[next++] = (byte) shortForm;
			return next;
		}
		out[next++] = 'u';
		out[next++] = '0';
		out[next++] = '0';
		out[next++] = HEX[c >> 4];
		out[next++] = HEX[c & 0xF];
		return next;
	}

	/**
	 * Writes an integer's decimal digits.
	 * @param value the value
	 */
	void number(long value) {
		if (value < 0) {
			if (value == Long.MIN_VALUE) {
				ascii(Long.toString(value));
				return;
			}
			raw('-');
			number(-value);
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

	/** Writes text known to be ASCII (a number's), as it is. */
	private void ascii(String text) {
		int length = text.length();
		ensure(length);
		for (int i = 0; i < length; i++) {
			this.bytes[this.size + i] = (byte) text.charAt(i);
		}
		this.size += length;
	}

	private void ensure(int extra) {
		if (this.size + extra > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + extra));
		}
	}

}
