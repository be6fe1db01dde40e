package dev.eventstore.serialization;

import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.Texts;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link EventSerializer} on a Jackson {@link JsonMapper}: the application's, so that
 * its naming strategy, modules and settings apply to event payloads. The store's rules
 * for data are added on top (objects without properties and JDK or generated classes are
 * refused, non-finite numbers are not written as strings). Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class JacksonEventSerializer implements EventSerializer {

	private static final JacksonEventSerializer DEFAULTS = new JacksonEventSerializer(JsonData.MAPPER);

	private final JsonMapper mapper;

	/**
	 * A serializer on a mapper of your own.
	 * @param mapper the mapper; a copy with the store's data rules added is used
	 */
	public JacksonEventSerializer(JsonMapper mapper) {
		this.mapper = JsonData.dataOnly(mapper);
	}

	/** The serializer a store uses unless told otherwise: the store's own mapper. */
	public static JacksonEventSerializer defaults() {
		return DEFAULTS;
	}

	/**
	 * A serializer like this one whose mapper also has a module: how the store adds
	 * writers of its own (for personal data) to the application's mapper.
	 * @param module the module
	 * @return the serializer, this one unchanged
	 */
	public JacksonEventSerializer withModule(JacksonModule module) {
		return new JacksonEventSerializer(this.mapper.rebuild().addModule(module).build());
	}

	@Override
	public byte[] serialize(Object payload) {
		try {
			return this.mapper.writeValueAsBytes(payload);
		}
		catch (JacksonException | JsonData.NotDataException ex) {
			throw new IllegalArgumentException("Cannot serialise " + payload.getClass().getName() + JsonData.at(ex)
					+ ": " + Texts.firstLine(ex.getMessage()), ex);
		}
	}

	@Override
	public <T> T deserialize(byte[] json, Class<T> type) {
		try {
			return this.mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot read event data as " + type.getName() + ": " + Texts.firstLine(ex.getMessage()), ex);
		}
	}

	@Override
	public <T> T deserialize(JsonNode tree, Class<T> type) {
		try {
			return this.mapper.treeToValue(tree, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot read event data as " + type.getName() + ": " + Texts.firstLine(ex.getMessage()), ex);
		}
	}

	/**
	 * Asks the mapper itself, so that its naming strategy, mix-ins, aliases and
	 * any-setters count: the property is read unless the class's deserializer refuses it
	 * as unknown. A class that ignores unknown properties is taken to read every
	 * property.
	 */
	@Override
	public boolean mayRead(Class<?> type, String property) {
		byte[] probe = JsonData.MAPPER.writeValueAsBytes(JsonData.MAPPER.createObjectNode().putNull(property));
		try {
			this.mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(probe);
			return true;
		}
		catch (UnrecognizedPropertyException ex) {
			return !property.equals(ex.getPropertyName());
		}
		catch (RuntimeException ex) {
			// Known (its null refused, say), or a class Jackson cannot make: in doubt,
			// read.
			return true;
		}
	}

	@Override
	public String toString() {
		return "JacksonEventSerializer[" + ((this == DEFAULTS) ? "store defaults" : this.mapper) + "]";
	}

}
