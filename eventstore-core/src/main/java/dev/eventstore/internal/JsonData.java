package dev.eventstore.internal;

import java.math.BigInteger;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.ValueSerializerModifier;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

/**
 * The store's JSON: its default mapper, and stored JSON read into deeply immutable
 * values. A JSON value here is {@code null}, a {@link String}, {@link Boolean},
 * {@link Integer}, {@link Long}, {@link BigInteger}, finite {@link Double},
 * {@link java.math.BigDecimal} (for a decimal whose text is not that of a double: more
 * digits, or trailing zeros that carry a scale), an immutable {@link List} of JSON
 * values, or an immutable {@link Map} from {@link String} to JSON values: what Jackson's
 * parser reads from the stored bytes, the same before and after a restart.
 *
 * @since 0.2.0
 */
public final class JsonData {

	/**
	 * Room the parsers and generators leave above the limits that appends are checked
	 * against, so that anything accepted reads back: a journal line nests the data one
	 * level deeper, and Jackson counts some lengths in bytes where the limits count
	 * characters.
	 */
	private static final int MARGIN = 1024;

	/** What the store's parsers accept: a margin above {@code EventLimits}. */
	static final StreamReadConstraints READ_CONSTRAINTS = StreamReadConstraints.builder()
		.maxNestingDepth(Limits.MAX_NESTING_DEPTH + 10)
		.maxNumberLength(Limits.MAX_NUMBER_LENGTH + MARGIN)
		.maxNameLength(6 * Limits.MAX_NAME_LENGTH + MARGIN)
		.maxStringLength(Limits.MAX_EVENT_BYTES + MARGIN)
		.maxDocumentLength(-1)
		.maxTokenCount(-1)
		.build();

	/**
	 * The store's default mapper: what serialises hand-built data and payloads of a store
	 * without a serializer of its own. Immutable, thread-safe.
	 */
	public static final JsonMapper MAPPER = dataOnly(JsonMapper.builder(JsonFactory.builder()
		// Deep enough that data nested past the limit is written and then named by the
		// check; a cycle runs into it and is named as one, within the 500 steps of path
		// Jackson keeps.
		.streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(2 * Limits.MAX_NESTING_DEPTH).build())
		.streamReadConstraints(READ_CONSTRAINTS)
		.rootValueSeparator((String) null)
		.build()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

	/**
	 * Reads stored data into trees for upcasters: decimals as
	 * {@link java.math.BigDecimal} with their scale, so an upcast never rounds money.
	 */
	public static final JsonMapper TREES = MAPPER.rebuild()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
		.build();

	/**
	 * Parses stored data into maps. Unlike the mapper's factory it does not canonicalise
	 * (intern) property names: for small documents read once that costs more than it
	 * saves (measured on the command path; docs/performance.md).
	 */
	private static final JsonFactory DATA_PARSERS = JsonFactory.builder()
		.streamReadConstraints(READ_CONSTRAINTS)
		.disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
		.build();

	private static final Map<String, Object> EMPTY = new FrozenMap(new LinkedHashMap<>());

	private JsonData() {
	}

	/** The empty immutable JSON object. */
	public static Map<String, Object> emptyObject() {
		return EMPTY;
	}

	/**
	 * Reads stored JSON into an immutable JSON value.
	 * @param json the JSON, UTF-8
	 * @return the value: an object for event data
	 * @throws JacksonException if it is not JSON
	 */
	public static @Nullable Object readData(byte[] json) {
		try (JsonParser parser = DATA_PARSERS.createParser(ObjectReadContext.empty(), json)) {
			parser.nextToken();
			return read(parser);
		}
	}

	/**
	 * Reads JSON that should hold an object into an immutable JSON object.
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
			throw new IllegalArgumentException(what + " must be a JSON object, but is " + describe(value));
		}
		return frozen;
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
					default -> {
						BigInteger big = parser.getBigIntegerValue();
						yield (big.bitLength() < 64) ? (Object) big.longValue() : big;
					}
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
	 * refused, JDK and generated classes refused, non-finite numbers written as the bare
	 * tokens the store's check then names.
	 * @param mapper the application's mapper
	 * @return the copy
	 */
	public static JsonMapper dataOnly(JsonMapper mapper) {
		return mapper.rebuild()
			// Jackson 3 writes an object without properties (an InputStream, say) as {}:
			// that is no JSON form of it.
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
			.addModule(new SimpleModule("eventstore-data-only").setSerializerModifier(new RejectJdkBeans()))
			.build();
	}

	/**
	 * What Jackson could not serialise, as a message naming the place: a cycle where the
	 * path first comes back to a map, list or bean it passed through, a null map key, or
	 * Jackson's own reason.
	 * @param what which part of which event: {@code Data of event 'E'}
	 * @param ex what Jackson (or the store's refusal of JDK classes) threw
	 * @return the exception to throw
	 */
	public static IllegalArgumentException notSerialisable(String what, RuntimeException ex) {
		if (ex instanceof JacksonException jackson) {
			List<JacksonException.Reference> path = jackson.getPath();
			IdentityHashMap<Object, Boolean> passed = new IdentityHashMap<>();
			for (int i = 0; i < path.size(); i++) {
				Object from = path.get(i).from();
				if (from != null && passed.put(from, Boolean.TRUE) != null) {
					return new IllegalArgumentException(what + " contains a cycle at " + spelled(path.subList(0, i)),
							ex);
				}
			}
			String message = String.valueOf(jackson.getOriginalMessage());
			if (message.startsWith("Null key for a Map")) {
				return new IllegalArgumentException(
						what + " has a map key at " + spelled(path.subList(0, Math.max(0, path.size() - 1)))
								+ " that is null; keys must be strings",
						ex);
			}
			if (ex instanceof StreamConstraintsException) {
				return new IllegalArgumentException(
						what + " is nested deeper than " + Limits.MAX_NESTING_DEPTH + " levels at " + spelled(path),
						ex);
			}
		}
		return new IllegalArgumentException(
				what + " is not serialisable to JSON" + at(ex) + ": " + Texts.firstLine(ex.getMessage()), ex);
	}

	/** Where in the value Jackson failed, as {@code " at $.a[2]"}, or nothing. */
	public static String at(RuntimeException ex) {
		return (ex instanceof JacksonException jackson && !jackson.getPath().isEmpty())
				? " at " + spelled(jackson.getPath()) : "";
	}

	private static String spelled(List<JacksonException.Reference> references) {
		StringBuilder path = new StringBuilder("$");
		for (JacksonException.Reference reference : references) {
			if (reference.getPropertyName() != null) {
				path.append('.').append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	/** What kind of JSON value a value read by {@link #read} is, for messages. */
	static String describe(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof List) {
			return "an array";
		}
		if (value instanceof String) {
			return "a string";
		}
		if (value instanceof Boolean) {
			return "a boolean";
		}
		return "a number";
	}

	/**
	 * An immutable insertion-ordered map, what {@link #read} makes of a JSON object. Not
	 * {@code Map.copyOf}: that drops the key order and refuses null values; not Jackson's
	 * {@code JsonNode}: that is mutable.
	 */
	static final class FrozenMap extends AbstractMap<String, Object> {

		private final LinkedHashMap<String, Object> map;

		private final Set<Map.Entry<String, Object>> entries;

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

	/** An immutable list, what {@link #read} makes of a JSON array; nulls allowed. */
	static final class FrozenList extends AbstractList<Object> implements RandomAccess {

		private final @Nullable Object[] items;

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
