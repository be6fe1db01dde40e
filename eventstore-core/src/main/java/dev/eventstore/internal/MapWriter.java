package dev.eventstore.internal;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;

/**
 * Writes data built by hand, a {@link Map} of JSON values, through the store's default
 * mapper's generator, naming the place of anything that has no JSON form: a cycle, a key
 * that is not text, NaN, a plain {@code Object}. Values that are not JSON values (a
 * record, a date) are written by the mapper. Jackson itself would report a cycle in maps
 * only as nesting too deep, and NaN not at all, hence the walk.
 */
final class MapWriter {

	private final String what;

	private final IdentityHashMap<Object, Boolean> ancestors = new IdentityHashMap<>();

	/**
	 * The keys and indexes from the root to the value being written: the path is spelled
	 * out only for a message, so data without faults builds no strings.
	 */
	private final ArrayList<Object> steps = new ArrayList<>();

	private MapWriter(String what) {
		this.what = what;
	}

	static byte[] write(Object value, String what) {
		if (!(value instanceof Map<?, ?>)) {
			if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
					|| value instanceof Character || value instanceof Collection<?> || value.getClass().isArray()) {
				throw new IllegalArgumentException(what + " must be a JSON object (a Map or a record/bean), but "
						+ value.getClass().getName() + " serialises to " + kindOf(value));
			}
			return pojo(value, what);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator generator = JsonData.MAPPER.createGenerator(out)) {
			new MapWriter(what).value(generator, value, 1);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					what + " is not serialisable to JSON: " + Texts.firstLine(ex.getMessage()), ex);
		}
		return out.toByteArray();
	}

	private static byte[] pojo(Object value, String what) {
		try {
			return JsonData.MAPPER.writeValueAsBytes(value);
		}
		catch (JacksonException | JsonData.NotDataException ex) {
			throw new IllegalArgumentException(
					what + " is not serialisable to JSON" + JsonData.at(ex) + ": " + Texts.firstLine(ex.getMessage()),
					ex);
		}
		catch (StackOverflowError ex) {
			// A cycle through getters that Jackson does not detect itself.
			throw new IllegalArgumentException(what + " is not serialisable to JSON: it nests without end (a cycle?)",
					ex);
		}
	}

	/** Where the value being written is, as {@code $.a[2].b}. */
	private String path() {
		StringBuilder path = new StringBuilder("$");
		for (Object step : this.steps) {
			if (step instanceof Integer index) {
				path.append('[').append(index).append(']');
			}
			else {
				path.append('.').append(step);
			}
		}
		return path.toString();
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

	private void value(JsonGenerator out, @Nullable Object value, int depth) {
		if (value == null) {
			out.writeNull();
		}
		else if (value instanceof String s) {
			int lone = Texts.loneSurrogate(s);
			if (lone >= 0) {
				throw new IllegalArgumentException(
						this.what + " holds a string at " + path() + " that is not valid Unicode: a lone surrogate "
								+ String.format("U+%04X", (int) s.charAt(lone)) + " at index " + lone);
			}
			out.writeString(s);
		}
		else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			out.writeNumber(((Number) value).longValue());
		}
		else if (value instanceof Boolean b) {
			out.writeBoolean(b);
		}
		else if (value instanceof Double || value instanceof Float) {
			double d = (value instanceof Float f) ? Double.parseDouble(Float.toString(f)) : (Double) value;
			if (!Double.isFinite(d)) {
				throw new IllegalArgumentException(
						this.what + " holds " + d + " at " + path() + "; JSON has no NaN or infinity");
			}
			out.writeNumber(d);
		}
		else if (value instanceof BigInteger big) {
			out.writeNumber(big);
		}
		else if (value instanceof BigDecimal decimal) {
			out.writeNumber(decimal);
		}
		else if (value instanceof Character c) {
			out.writeString(c.toString());
		}
		else if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
			container(out, value, depth);
		}
		else if (value.getClass() == Object.class) {
			throw new IllegalArgumentException(
					this.what + " holds a plain java.lang.Object at " + path() + ", which is not data");
		}
		else {
			try {
				out.writePOJO(value);
			}
			catch (JacksonException | JsonData.NotDataException ex) {
				throw new IllegalArgumentException(this.what + " is not serialisable to JSON at " + path() + ": "
						+ Texts.firstLine(ex.getMessage()), ex);
			}
			catch (StackOverflowError ex) {
				throw new IllegalArgumentException(
						this.what + " is not serialisable to JSON at " + path() + ": it nests without end (a cycle?)",
						ex);
			}
		}
	}

	private void container(JsonGenerator out, Object value, int depth) {
		if (depth > Limits.MAX_NESTING_DEPTH) {
			throw new IllegalArgumentException(
					this.what + " is nested deeper than " + Limits.MAX_NESTING_DEPTH + " levels at " + path());
		}
		if (this.ancestors.put(value, Boolean.TRUE) != null) {
			throw new IllegalArgumentException(this.what + " contains a cycle at " + path());
		}
		try {
			if (value instanceof Map<?, ?> map) {
				out.writeStartObject();
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					String name = name(entry.getKey());
					out.writeName(name);
					this.steps.add(name);
					value(out, entry.getValue(), depth + 1);
					this.steps.remove(this.steps.size() - 1);
				}
				out.writeEndObject();
			}
			else if (value instanceof Collection<?> collection) {
				out.writeStartArray();
				int i = 0;
				for (Object item : collection) {
					this.steps.add(i++);
					value(out, item, depth + 1);
					this.steps.remove(this.steps.size() - 1);
				}
				out.writeEndArray();
			}
			else {
				out.writeStartArray();
				for (int i = 0, n = Array.getLength(value); i < n; i++) {
					this.steps.add(i);
					value(out, Array.get(value, i), depth + 1);
					this.steps.remove(this.steps.size() - 1);
				}
				out.writeEndArray();
			}
		}
		finally {
			this.ancestors.remove(value);
		}
	}

	private String name(@Nullable Object key) {
		if (key instanceof String s) {
			return s;
		}
		if (key instanceof Enum<?> e) {
			return e.name();
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Character) {
			return key.toString();
		}
		throw new IllegalArgumentException(this.what + " has a map key at " + path() + " that is "
				+ ((key == null) ? "null" : "a " + key.getClass().getName()) + "; keys must be strings");
	}

}
