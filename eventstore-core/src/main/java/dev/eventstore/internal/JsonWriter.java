package dev.eventstore.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Writes JSON values as {@link JsonValues} makes them (null, strings, booleans, integers,
 * longs, big integers, finite doubles, big decimals, and its immutable maps and lists) as
 * UTF-8 into a growable buffer, byte for byte as the store's Jackson mapper writes them:
 * the same escapes ({@code \b \t \n \f \r \" \\} and {@code \}{@code u00XX} for other
 * control characters), numbers as {@code toString} writes them, nothing else escaped.
 * Object keys are encoded once and kept (event data repeats a handful of keys).
 *
 * <p>
 * Hand-written rather than Jackson's generator, for the append path only: the values are
 * a closed set, already validated (no lone surrogate, finite numbers, bounded depth), and
 * the generator's per-token bookkeeping (write context, a char buffer per string, the
 * escape table per character) cost more than the bytes it writes; a microbenchmark of an
 * event's body took about two thirds of the generator's time (docs/performance.md). Tests
 * check its output byte for byte against the mapper's. Not thread-safe: one per thread.
 *
 * @since 0.2.0
 */
public final class JsonWriter {

	private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

	private static final int NAME_SLOTS = 256;

	/** Characters of a string encoded per check of the buffer's room. */
	private static final int STRING_CHUNK = 1024;

	/** Longer keys are encoded each time: rare, and not worth holding. */
	private static final int MAX_CACHED_NAME = 64;

	private final String[] nameKeys = new String[NAME_SLOTS];

	/** Each cached key quoted and followed by its colon. */
	private final byte[][] names = new byte[NAME_SLOTS][];

	private byte[] bytes = new byte[16 * 1024];

	private int size;

	/** The bytes written since the last {@link #reset()}, from 0 to {@link #size()}. */
	public byte[] bytes() {
		return this.bytes;
	}

	/** How many bytes are written. */
	public int size() {
		return this.size;
	}

	/** Forgets what was written; keeps the buffer and the encoded keys. */
	public void reset() {
		this.size = 0;
	}

	/**
	 * Writes bytes as they are: JSON the caller composed.
	 * @param raw the bytes
	 * @param offset where they start
	 * @param length how many
	 */
	public void raw(byte[] raw, int offset, int length) {
		ensure(length);
		System.arraycopy(raw, offset, this.bytes, this.size, length);
		this.size += length;
	}

	/**
	 * Writes one byte as it is.
	 * @param b the byte
	 */
	public void raw(char b) {
		ensure(1);
		this.bytes[this.size++] = (byte) b;
	}

	/**
	 * Writes a JSON value made by {@link JsonValues}.
	 * @param value the value
	 * @throws IllegalArgumentException if it is not one
	 */
	public void value(@Nullable Object value) {
		if (value == null) {
			raw(NULL, 0, NULL.length);
		}
		else if (value instanceof String s) {
			string(s);
		}
		else if (value instanceof Integer i) {
			number(i);
		}
		else if (value instanceof Long l) {
			number(l);
		}
		else if (value instanceof Double d) {
			ascii(Double.toString(d));
		}
		else if (value instanceof Boolean b) {
			byte[] text = b ? TRUE : FALSE;
			raw(text, 0, text.length);
		}
		else if (value instanceof BigInteger big) {
			ascii(big.toString());
		}
		else if (value instanceof BigDecimal decimal) {
			ascii(decimal.toString());
		}
		else if (value instanceof JsonValues.FrozenMap map) {
			raw('{');
			boolean first = true;
			for (Map.Entry<String, Object> entry : map.map.entrySet()) {
				if (!first) {
					raw(',');
				}
				first = false;
				name(entry.getKey());
				value(entry.getValue());
			}
			raw('}');
		}
		else if (value instanceof JsonValues.FrozenList list) {
			raw('[');
			Object[] items = list.items;
			for (int i = 0; i < items.length; i++) {
				if (i > 0) {
					raw(',');
				}
				value(items[i]);
			}
			raw(']');
		}
		else {
			throw new IllegalArgumentException("Not a normalised JSON value: " + value.getClass().getName());
		}
	}

	/**
	 * Writes an object key and its colon.
	 * @param key the key
	 */
	public void name(String key) {
		int hash = key.hashCode();
		int slot = (hash ^ (hash >>> 16)) & (NAME_SLOTS - 1);
		String cached = this.nameKeys[slot];
		byte[] encoded;
		if (cached == key || (cached != null && cached.equals(key))) {
			encoded = this.names[slot];
		}
		else {
			int start = this.size;
			string(key);
			raw(':');
			if (key.length() > MAX_CACHED_NAME) {
				return;
			}
			encoded = Arrays.copyOfRange(this.bytes, start, this.size);
			this.nameKeys[slot] = key;
			this.names[slot] = encoded;
			return;
		}
		raw(encoded, 0, encoded.length);
	}

	/**
	 * Writes a string, quoted and escaped.
	 * @param text the text, valid Unicode
	 * @throws IllegalArgumentException if it holds a lone surrogate
	 */
	public void string(String text) {
		int length = text.length();
		raw('"');
		for (int from = 0; from < length;) {
			// Room for a chunk at its longest: 6 bytes a character (a control
			// character's escape), and a surrogate pair's 4 bytes past its end.
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
	public void number(long value) {
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
