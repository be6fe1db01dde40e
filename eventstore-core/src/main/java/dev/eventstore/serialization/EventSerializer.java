package dev.eventstore.serialization;

import dev.eventstore.internal.JsonData;
import tools.jackson.databind.JsonNode;

/**
 * Turns typed payloads into the JSON the store keeps, and stored JSON back into classes.
 * A store uses one serializer for both directions, so a payload reads back as it was
 * written. Whatever it produces still goes through the store's rules (a JSON object,
 * within {@link dev.eventstore.EventLimits}, nothing without a JSON form).
 * Implementations are thread-safe.
 *
 * @since 0.2.0
 */
public interface EventSerializer {

	/**
	 * A payload as a JSON object.
	 * @param payload the payload, a record or bean
	 * @return its JSON, UTF-8
	 * @throws IllegalArgumentException if it has no JSON form
	 */
	byte[] serialize(Object payload);

	/**
	 * Stored JSON as an instance of a class.
	 * @param <T> the class
	 * @param json the stored JSON object, UTF-8
	 * @param type the class
	 * @return the payload
	 * @throws IllegalArgumentException if the JSON does not fit the class
	 */
	<T> T deserialize(byte[] json, Class<T> type);

	/**
	 * Data an upcaster produced as an instance of a class. By default the tree is written
	 * out and read with {@link #deserialize(byte[], Class)}; a serializer that reads
	 * trees itself skips that.
	 * @param <T> the class
	 * @param tree the data, a JSON object
	 * @param type the class
	 * @return the payload
	 * @throws IllegalArgumentException if the data does not fit the class
	 */
	default <T> T deserialize(JsonNode tree, Class<T> type) {
		return deserialize(JsonData.MAPPER.writeValueAsBytes(tree), type);
	}

	/**
	 * Whether reading stored JSON as a class may read one of its properties. The store
	 * asks before it decrypts an event's personal values for a class that is a reader's
	 * own view of the event: a value the view never reads is not decrypted, so the view
	 * costs no decryption and reads even when the subject's key cannot be had. By default
	 * true: the serializer cannot tell.
	 * @param type the class read into
	 * @param property the property's name in the JSON
	 * @return false only when reading the class never reads the property
	 */
	default boolean mayRead(Class<?> type, String property) {
		return true;
	}

}
