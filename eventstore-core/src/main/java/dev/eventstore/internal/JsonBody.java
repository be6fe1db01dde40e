package dev.eventstore.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * An event's data or metadata as the serialised JSON object it is stored as: compact
 * UTF-8 that holds to {@code EventLimits}, checked once when it is made, written by every
 * journal as it is, and read into an immutable map only when asked, once. Immutable and
 * thread-safe; the bytes are never handed out to be changed.
 *
 * @since 0.2.0
 */
public final class JsonBody {

	private static final JsonBody EMPTY = new JsonBody("{}".getBytes(StandardCharsets.US_ASCII),
			JsonData.emptyObject());

	private final byte[] json;

	/** The map, read on first use; a benign race: every thread reads the same. */
	private volatile @Nullable Map<String, Object> map;

	private JsonBody(byte[] json, @Nullable Map<String, Object> map) {
		this.json = json;
		this.map = map;
	}

	/** The empty object, {@code {}}. */
	public static JsonBody empty() {
		return EMPTY;
	}

	/**
	 * Data built by hand (a {@link Map}, or any object Jackson serialises to an object),
	 * written by the store's default mapper and checked.
	 * @param value the value
	 * @param what which part of which event, for messages: {@code Data of event 'E'}
	 * @return the body
	 * @throws IllegalArgumentException naming what is wrong and where, when the value is
	 * null, is not a JSON object, holds something without a JSON form (a cycle, NaN, a
	 * thread, ...) or breaks a limit
	 */
	public static JsonBody ofValue(@Nullable Object value, String what) {
		if (value == null) {
			throw new IllegalArgumentException(what + " must not be null");
		}
		if (value instanceof Map<?, ?> map && map.isEmpty()) {
			return EMPTY;
		}
		if (!(value instanceof Map<?, ?>) && (value instanceof CharSequence || value instanceof Number
				|| value instanceof Boolean || value instanceof Character || value instanceof Collection<?>
				|| value.getClass().isArray())) {
			throw new IllegalArgumentException(what + " must be a JSON object (a Map or a record/bean), but "
					+ value.getClass().getName() + " serialises to " + kindOf(value));
		}
		byte[] json;
		try {
			json = JsonData.MAPPER.writeValueAsBytes(value);
		}
		catch (JacksonException | JsonData.NotDataException ex) {
			throw JsonData.notSerialisable(what, ex);
		}
		catch (StackOverflowError ex) {
			// A cycle through getters that Jackson does not detect itself.
			throw new IllegalArgumentException(what + " is not serialisable to JSON: it nests without end (a cycle?)",
					ex);
		}
		return ofSerialized(json, what);
	}

	private static String kindOf(Object value) {
		if (value instanceof CharSequence || value instanceof Character) {
			return "a string";
		}
		if (value instanceof Boolean) {
			return "a boolean";
		}
		if (value instanceof Number) {
			return "a number";
		}
		return "an array";
	}

	/**
	 * JSON a serializer wrote: checked in one pass over its tokens, kept as it is (or,
	 * when the serializer indented it over several lines, written compactly once).
	 * @param json the JSON, UTF-8; not copied, so the caller must not change it
	 * @param what which part of which event, for messages
	 * @return the body
	 * @throws IllegalArgumentException naming what is wrong and where
	 */
	public static JsonBody ofSerialized(byte[] json, String what) {
		return new JsonBody(BodyCheck.check(json, what), null);
	}

	/**
	 * JSON a journal read back: known to be an object the store wrote (its checksum, or
	 * its database, says so), so not checked again.
	 * @param json the JSON, UTF-8; not copied, so the caller must not change it
	 * @return the body
	 */
	public static JsonBody stored(byte[] json) {
		return new JsonBody(json, null);
	}

	/** The JSON bytes: the caller must not change them. */
	public byte[] bytes() {
		return this.json;
	}

	/** How many bytes the JSON takes. */
	public int length() {
		return this.json.length;
	}

	/** Whether this is the empty object. */
	public boolean isEmpty() {
		return this == EMPTY || (this.json.length == 2 && this.json[0] == '{');
	}

	/** The JSON as text. */
	public String text() {
		return new String(this.json, StandardCharsets.UTF_8);
	}

	/**
	 * The JSON read into a deeply immutable map, once.
	 * @return the map
	 * @throws IllegalStateException if stored bytes are not a JSON object
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> map() {
		Map<String, Object> read = this.map;
		if (read == null) {
			Object value;
			try {
				value = JsonData.readData(this.json);
			}
			catch (JacksonException ex) {
				throw new IllegalStateException("Stored data is not valid JSON: " + Texts.firstLine(ex.getMessage()),
						ex);
			}
			if (!(value instanceof Map<?, ?>)) {
				throw new IllegalStateException("Stored data is not a JSON object but " + JsonData.describe(value));
			}
			read = (Map<String, Object>) value;
			this.map = read;
		}
		return read;
	}

}
