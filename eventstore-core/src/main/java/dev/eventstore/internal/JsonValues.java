package dev.eventstore.internal;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.ValueSerializerModifier;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

/**
 * Turns event data into deeply immutable JSON values and back. A JSON value here is
 * {@code null}, a {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
 * {@link BigInteger}, finite {@link Double}, {@link BigDecimal} (for a decimal whose text
 * is not that of a double: more digits, or trailing zeros that carry a scale), an
 * immutable {@link List} of JSON values, or an immutable {@link Map} from {@link String}
 * to JSON values. Numbers are normalised the way a JSON parser reads them back, so an
 * event's data is equal before and after a restart.
 *
 * @since 0.1.0
 */
public final class JsonValues {

	/** Deepest nesting of objects and arrays accepted in event data. */
	public static final int MAX_DEPTH = Limits.MAX_NESTING_DEPTH;

	/**
	 * Room the parser and generator leave above the limits that appends are checked
	 * against, so that anything accepted reads back: a journal line nests the data one
	 * level deeper, and Jackson counts some lengths in bytes where the limits count
	 * characters.
	 */
	private static final int MARGIN = 1024;

	/** What the store's parsers accept: a margin above {@code EventLimits}. */
	private static final StreamReadConstraints READ_CONSTRAINTS = StreamReadConstraints.builder()
		.maxNestingDepth(MAX_DEPTH + 10)
		.maxNumberLength(Limits.MAX_NUMBER_LENGTH + MARGIN)
		.maxNameLength(6 * Limits.MAX_NAME_LENGTH + MARGIN)
		.maxStringLength(Limits.MAX_EVENT_BYTES + MARGIN)
		.maxDocumentLength(-1)
		.maxTokenCount(-1)
		.build();

	/** The one mapper of the store: immutable, thread-safe. */
	public static final JsonMapper MAPPER = JsonMapper
		.builder(JsonFactory.builder()
			.streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH + 10).build())
			.streamReadConstraints(READ_CONSTRAINTS)
			.rootValueSeparator((String) null)
			.build())
		.disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		// Jackson 3 writes an object without properties (an InputStream, say) as {}:
		// that is no JSON form of it.
		.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
		.addModule(new SimpleModule("eventstore-data-only").setSerializerModifier(new RejectJdkBeans()))
		.build();

	/**
	 * Parses event data into maps. Unlike the mapper's factory it does not canonicalise
	 * (intern) property names: for small documents read once that costs more than it
	 * saves (a command that reads 50 events ran 45 % faster without it). Its parsers
	 * report no byte offsets, so the journal's line decoder uses the mapper's.
	 */
	private static final JsonFactory DATA_PARSERS = JsonFactory.builder()
		.streamReadConstraints(READ_CONSTRAINTS)
		.disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
		.build();

	/**
	 * Reads stored event data (a JSON object) into an immutable JSON object.
	 * @param json the JSON, UTF-8
	 * @return the object, or whatever other JSON value the bytes hold
	 */
	public static @Nullable Object readData(byte[] json) {
		try (JsonParser parser = DATA_PARSERS.createParser(ObjectReadContext.empty(), json)) {
			parser.nextToken();
			return read(parser);
		}
	}

	private static final Map<String, Object> EMPTY = new FrozenMap(new LinkedHashMap<>());

	private JsonValues() {
	}

	/** The empty immutable JSON object. */
	public static Map<String, Object> emptyObject() {
		return EMPTY;
	}

	/**
	 * Deeply copies {@code value} into an immutable JSON object.
	 * @param value a {@link Map} or any Jackson-serialisable object (a record, say)
	 * @param part which part of the event it is, for messages: {@code "Data"} or
	 * {@code "Metadata"}
	 * @param eventType the event's type name, for messages
	 * @return the immutable copy
	 * @throws IllegalArgumentException if the value is null, is not a JSON object, or
	 * holds something that is not data: a cycle, NaN or infinity, a JDK object such as a
	 * thread, nesting deeper than {@value #MAX_DEPTH}
	 */
	public static Map<String, Object> toObject(@Nullable Object value, String part, String eventType) {
		if (value instanceof FrozenMap frozen) {
			return frozen;
		}
		String what = part + " of event '" + eventType + "'";
		if (value == null) {
			throw new IllegalArgumentException(what + " must not be null");
		}
		Object normalized = normalize(value, what, "$", 0, new IdentityHashMap<>());
		if (!(normalized instanceof FrozenMap frozen)) {
			throw new IllegalArgumentException(what + " must be a JSON object (a Map or a record/bean), but "
					+ value.getClass().getName() + " serialises to " + describeKind(normalized));
		}
		return frozen;
	}

	/**
	 * Checks an event's normalised data and metadata against {@code EventLimits}: text is
	 * valid Unicode, keys and numbers are short enough, nesting is shallow enough, and
	 * both together encode to at most {@code EventLimits.MAX_EVENT_BYTES} bytes of JSON.
	 * @param data the data, from {@link #toObject}
	 * @param metadata the metadata, from {@link #toObject}
	 * @param eventType the event's type name, for messages
	 * @throws IllegalArgumentException naming the first limit exceeded and where
	 */
	public static void checkLimits(Map<String, Object> data, Map<String, Object> metadata, String eventType) {
		long size = checkedSize(data, "Data", eventType);
		if (!metadata.isEmpty()) {
			size += checkedSize(metadata, "Metadata", eventType);
		}
		if (size > Limits.MAX_EVENT_BYTES) {
			throw new IllegalArgumentException(
					"Event '" + eventType + "' takes " + size + " bytes of JSON data and metadata; the limit is "
							+ Limits.MAX_EVENT_BYTES + " (EventLimits.MAX_EVENT_BYTES)");
		}
	}

	private static long checkedSize(Map<String, Object> object, String part, String eventType) {
		FrozenMap frozen = (FrozenMap) object;
		if (frozen.checkedSize >= 0) {
			return frozen.checkedSize;
		}
		try {
			long size = sizeOf(frozen, 1);
			frozen.checkedSize = size;
			return size;
		}
		catch (Violation violation) {
			// The message is built here only: an event within the limits (and every
			// event whose size is known) builds no strings.
			throw new IllegalArgumentException(part + " of event '" + eventType + "' " + violation.before + "$"
					+ violation.path + violation.after);
		}
	}

	/**
	 * The compact JSON size of a normalised value, checking the limits on the way. It
	 * tracks no path while it walks: a violation collects its path as it unwinds, so an
	 * append within the limits builds no strings.
	 */
	private static long sizeOf(@Nullable Object value, int depth) {
		if (value == null) {
			return 4;
		}
		if (value instanceof String s) {
			return requireUnicode(s, "a string");
		}
		if (value instanceof Boolean b) {
			return b ? 4 : 5;
		}
		if (value instanceof Integer || value instanceof Long) {
			return digits(((Number) value).longValue());
		}
		if (value instanceof Double) {
			// A double's shortest JSON text is at most 24 characters; counting that much
			// spares formatting each one.
			return 24;
		}
		if (value instanceof BigInteger || value instanceof BigDecimal) {
			int length = value.toString().length();
			if (length > Limits.MAX_NUMBER_LENGTH) {
				throw new Violation("holds a number of " + length + " characters at ",
						"; the limit is " + Limits.MAX_NUMBER_LENGTH + " (EventLimits.MAX_NUMBER_LENGTH)");
			}
			return length;
		}
		if (depth > Limits.MAX_NESTING_DEPTH) {
			throw new Violation("is nested deeper than " + Limits.MAX_NESTING_DEPTH + " levels at ", "");
		}
		if (value instanceof FrozenMap map) {
			long size = 2 + Math.max(0, map.size() - 1);
			for (Map.Entry<String, Object> entry : map.entrySet()) {
				String name = entry.getKey();
				if (name.length() > Limits.MAX_NAME_LENGTH) {
					throw new Violation("has a key of " + name.length() + " characters at ",
							"; the limit is " + Limits.MAX_NAME_LENGTH + " (EventLimits.MAX_NAME_LENGTH)");
				}
				long nameSize = requireUnicode(name, "a key");
				try {
					size += nameSize + 1 + sizeOf(entry.getValue(), depth + 1);
				}
				catch (Violation violation) {
					throw violation.within("." + name);
				}
			}
			return size;
		}
		FrozenList list = (FrozenList) value;
		long size = 2 + Math.max(0, list.size() - 1);
		for (int i = 0; i < list.size(); i++) {
			try {
				size += sizeOf(list.get(i), depth + 1);
			}
			catch (Violation violation) {
				throw violation.within("[" + i + "]");
			}
		}
		return size;
	}

	private static int digits(long value) {
		int digits = (value < 0) ? 2 : 1;
		for (long rest = Math.abs(value / 10); rest > 0; rest /= 10) {
			digits++;
		}
		return digits;
	}

	/** The text's JSON size, if it is valid Unicode. */
	private static long requireUnicode(String text, String kind) {
		long size = Texts.jsonSize(text);
		if (size < 0) {
			int lone = Texts.loneSurrogate(text);
			throw new Violation("holds " + kind + " at ", " that is not valid Unicode: a lone surrogate "
					+ String.format("U+%04X", (int) text.charAt(lone)) + " at index " + lone);
		}
		return size;
	}

	/** A limit broken somewhere in event data; collects its path while it unwinds. */
	private static final class Violation extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final String before;

		final String after;

		String path = "";

		Violation(String before, String after) {
			super(null, null, false, false);
			this.before = before;
			this.after = after;
		}

		Violation within(String segment) {
			this.path = segment + this.path;
			return this;
		}

	}

	private static String describeKind(@Nullable Object normalized) {
		if (normalized == null) {
			return "null";
		}
		if (normalized instanceof List) {
			return "an array";
		}
		return "a " + normalized.getClass().getSimpleName().toLowerCase(Locale.ROOT);
	}

	private static @Nullable Object normalize(@Nullable Object value, String what, String path, int depth,
			IdentityHashMap<Object, Boolean> ancestors) {
		if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
				|| value instanceof Long || value instanceof FrozenMap || value instanceof FrozenList) {
			return value;
		}
		if (value instanceof Double d) {
			return finite(d, what, path);
		}
		if (value instanceof Float f) {
			return finite(Double.parseDouble(Float.toString(f)), what, path);
		}
		if (value instanceof Short || value instanceof Byte) {
			return ((Number) value).intValue();
		}
		if (value instanceof BigInteger big) {
			return integral(big);
		}
		if (value instanceof BigDecimal dec) {
			return decimal(dec);
		}
		if (value instanceof Character c) {
			return c.toString();
		}
		if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
			if (depth >= MAX_DEPTH) {
				throw new IllegalArgumentException(what + " is nested deeper than " + MAX_DEPTH + " levels at " + path);
			}
			if (ancestors.put(value, Boolean.TRUE) != null) {
				throw new IllegalArgumentException(what + " contains a cycle at " + path);
			}
			try {
				return (value instanceof Map<?, ?> map) ? normalizeMap(map, what, path, depth, ancestors)
						: normalizeList(value, what, path, depth, ancestors);
			}
			finally {
				ancestors.remove(value);
			}
		}
		if (value.getClass() == Object.class) {
			throw new IllegalArgumentException(
					what + " holds a plain java.lang.Object at " + path + ", which is not data");
		}
		return viaJackson(value, what, path);
	}

	private static Object normalizeMap(Map<?, ?> map, String what, String path, int depth,
			IdentityHashMap<Object, Boolean> ancestors) {
		LinkedHashMap<String, Object> copy = new LinkedHashMap<>(capacity(map.size()));
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			Object key = entry.getKey();
			if (!(key instanceof String || key instanceof Number || key instanceof Boolean || key instanceof Character
					|| key instanceof Enum<?>)) {
				throw new IllegalArgumentException(what + " has a map key at " + path + " that is "
						+ ((key == null) ? "null" : "a " + key.getClass().getName()) + "; keys must be strings");
			}
			String name = (key instanceof Enum<?> e) ? e.name() : key.toString();
			copy.put(name, normalize(entry.getValue(), what, path + "." + name, depth + 1, ancestors));
		}
		return new FrozenMap(copy);
	}

	private static Object normalizeList(Object value, String what, String path, int depth,
			IdentityHashMap<Object, Boolean> ancestors) {
		Object[] items;
		if (value instanceof Collection<?> collection) {
			items = collection.toArray();
		}
		else {
			items = new Object[Array.getLength(value)];
			for (int i = 0; i < items.length; i++) {
				items[i] = Array.get(value, i);
			}
		}
		for (int i = 0; i < items.length; i++) {
			items[i] = normalize(items[i], what, path + "[" + i + "]", depth + 1, ancestors);
		}
		return new FrozenList(items);
	}

	private static @Nullable Object viaJackson(Object value, String what, String path) {
		byte[] json;
		try {
			json = MAPPER.writeValueAsBytes(value);
		}
		catch (JacksonException | NotDataException ex) {
			throw new IllegalArgumentException(
					what + " is not serialisable to JSON at " + path + ": " + Texts.firstLine(ex.getMessage()), ex);
		}
		catch (StackOverflowError ex) {
			// A cycle through getters that Jackson does not detect itself.
			throw new IllegalArgumentException(
					what + " is not serialisable to JSON at " + path + ": it nests without end (a cycle?)", ex);
		}
		try (JsonParser parser = MAPPER.createParser(json)) {
			parser.nextToken();
			return read(parser);
		}
		catch (JacksonException ex) {
			// Non-finite numbers come out as bare NaN/Infinity tokens that a strict
			// parser refuses.
			throw new IllegalArgumentException(
					what + " is not valid JSON data at " + path + ": " + Texts.firstLine(ex.getMessage()), ex);
		}
	}

	/**
	 * A decimal as JSON reads it back: a {@link Double} when its text is the text Java
	 * (and Jackson) writes for that double, else the {@link BigDecimal} itself, scale
	 * included, so money and other exact decimals are never rounded.
	 */
	private static Object decimal(BigDecimal decimal) {
		double d = decimal.doubleValue();
		return (Double.isFinite(d) && Double.toString(d).equals(decimal.toString())) ? (Object) d : decimal;
	}

	private static Double finite(double d, String what, String path) {
		if (!Double.isFinite(d)) {
			throw new IllegalArgumentException(what + " holds " + d + " at " + path + "; JSON has no NaN or infinity");
		}
		return d;
	}

	private static Object integral(BigInteger big) {
		if (big.bitLength() < 32) {
			return big.intValue();
		}
		if (big.bitLength() < 64) {
			return big.longValue();
		}
		return big;
	}

	private static int capacity(int size) {
		return (int) (size / 0.75f) + 1;
	}

	/**
	 * Reads the JSON value at the parser's current token into an immutable JSON value,
	 * leaving the parser on the value's last token.
	 * @param parser a parser positioned on a value token
	 * @return the value
	 */
	public static @Nullable Object read(JsonParser parser) {
		JsonToken token = parser.currentToken();
		if (token == null) {
			throw new IllegalStateException("Parser is not on a value");
		}
		switch (token) {
			case START_OBJECT: {
				LinkedHashMap<String, Object> map = new LinkedHashMap<>();
				String name;
				while ((name = parser.nextName()) != null) {
					parser.nextToken();
					map.put(name, read(parser));
				}
				return new FrozenMap(map);
			}
			case START_ARRAY: {
				ArrayList<Object> list = new ArrayList<>();
				while (parser.nextToken() != JsonToken.END_ARRAY) {
					list.add(read(parser));
				}
				return new FrozenList(list.toArray());
			}
			case VALUE_STRING:
				return parser.getString();
			case VALUE_NUMBER_INT:
				return switch (parser.getNumberType()) {
					case INT -> parser.getIntValue();
					case LONG -> parser.getLongValue();
					default -> integral(parser.getBigIntegerValue());
				};
			case VALUE_NUMBER_FLOAT: {
				double d = parser.getDoubleValue();
				return (Double.isFinite(d) && Double.toString(d).equals(parser.getString())) ? (Object) d
						: parser.getDecimalValue();
			}
			case VALUE_TRUE:
				return Boolean.TRUE;
			case VALUE_FALSE:
				return Boolean.FALSE;
			case VALUE_NULL:
				return null;
			default:
				throw new IllegalStateException("Unexpected JSON token " + token);
		}
	}

	/**
	 * A copy of a mapper with the store's rules for data: objects without properties
	 * refused, JDK and generated classes refused, non-finite numbers not written as
	 * strings.
	 * @param mapper the application's mapper
	 * @return the copy
	 */
	public static JsonMapper dataOnly(JsonMapper mapper) {
		return mapper.rebuild()
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
			.addModule(new SimpleModule("eventstore-data-only").setSerializerModifier(new RejectJdkBeans()))
			.build();
	}

	/**
	 * Reads serialised event data into an immutable JSON object, checking it is one.
	 * @param json the JSON, UTF-8
	 * @param what which part of which event, for messages
	 * @return the object
	 * @throws IllegalArgumentException if it is not a JSON object
	 */
	public static Map<String, Object> readObject(byte[] json, String what) {
		Object value;
		try {
			value = readData(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(what + " is not valid JSON data: " + Texts.firstLine(ex.getMessage()),
					ex);
		}
		if (!(value instanceof FrozenMap frozen)) {
			throw new IllegalArgumentException(what + " must be a JSON object, but is " + describeKind(value));
		}
		return frozen;
	}

	/**
	 * Converts a JSON object into an instance of {@code type} through the store's mapper.
	 * @param <T> the target type
	 * @param data the JSON object
	 * @param type the target type
	 * @return the converted value
	 * @throws IllegalArgumentException if the data does not fit the type
	 */
	public static <T> T convert(Map<String, Object> data, Class<T> type) {
		try {
			return MAPPER.convertValue(data, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot convert event data to " + type.getName() + ": " + Texts.firstLine(ex.getMessage()), ex);
		}
	}

	/**
	 * An immutable insertion-ordered map; only this class creates them, so they are known
	 * normalised. Why a tree of our own rather than Jackson's {@code JsonNode} or
	 * {@code Map.copyOf}: {@code data()} is guaranteed deeply immutable (a
	 * {@code JsonNode} is mutable), keeps key order (a {@code Map.copyOf} does not), and
	 * a map known to be normalised is not copied or walked again (see {@link #toObject}
	 * and {@link #checkLimits}), which the append path's benchmark rows depend on.
	 */
	static final class FrozenMap extends AbstractMap<String, Object> {

		final LinkedHashMap<String, Object> map;

		private final Set<Map.Entry<String, Object>> entries;

		/**
		 * Its JSON size once {@link #checkLimits} has walked it as an event's data or
		 * metadata, else -1: a map is immutable, so a copy of an event with a new id, or
		 * stored data appended again, is not walked twice. A benign race: any thread
		 * computes the same value.
		 */
		long checkedSize = -1;

		FrozenMap(LinkedHashMap<String, Object> map) {
			this.map = map;
			this.entries = Collections.unmodifiableMap(map).entrySet();
		}

		@Override
		public Set<Map.Entry<String, Object>> entrySet() {
			return this.entries;
		}

		@Override
		public @Nullable Object get(@Nullable Object key) {
			return this.map.get(key);
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return this.map.containsKey(key);
		}

		@Override
		public int size() {
			return this.map.size();
		}

	}

	/** An immutable list; only this class creates them, so they are known normalised. */
	static final class FrozenList extends AbstractList<Object> implements RandomAccess {

		final @Nullable Object[] items;

		FrozenList(@Nullable Object[] items) {
			this.items = items;
		}

		@Override
		public @Nullable Object get(int index) {
			return this.items[index];
		}

		@Override
		public int size() {
			return this.items.length;
		}

	}

	/**
	 * Raised by the serializer that refuses JDK classes Jackson would otherwise treat as
	 * beans.
	 */
	public static final class NotDataException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NotDataException(String message) {
			super(message);
		}

	}

	/**
	 * Jackson serialises any object through its getters, so a {@link Thread} or a class
	 * loader would come out as pages of state. Classes of the JDK that Jackson has no
	 * dedicated serializer for are not data; refuse them.
	 */
	static final class RejectJdkBeans extends ValueSerializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public ValueSerializer<?> modifySerializer(SerializationConfig config, BeanDescription.Supplier beanDesc,
				ValueSerializer<?> serializer) {
			Class<?> type = beanDesc.getBeanClass();
			// A lambda or other generated class has no data of its own.
			if ((serializer instanceof BeanSerializerBase && isJdk(type)) || type.isSynthetic() || type.isHidden()) {
				return new ValueSerializer<Object>() {
					@Override
					public void serialize(Object value, JsonGenerator gen, SerializationContext ctxt) {
						throw new NotDataException(type.getName() + " is not data (it has no JSON form)");
					}
				};
			}
			return serializer;
		}

		private static boolean isJdk(Class<?> type) {
			String name = type.getName();
			return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
					|| name.startsWith("sun.") || name.startsWith("com.sun.");
		}

	}

}
