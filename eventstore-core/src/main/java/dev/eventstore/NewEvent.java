package dev.eventstore;

import java.util.Map;
import java.util.UUID;

import dev.eventstore.internal.EventIds;
import dev.eventstore.internal.JsonValues;
import dev.eventstore.internal.Texts;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.types.EventType;
import org.jspecify.annotations.Nullable;

/**
 * An event to append: a type name, a JSON object of data and optional metadata.
 * Construction validates and deeply copies both, so a {@code NewEvent} is immutable and
 * cannot hold anything that would fail to serialise or to read back: a cycle, NaN, a
 * thread, a stream, a lambda or other non-data object, text that is not valid Unicode, or
 * anything beyond {@link EventLimits} raises {@link IllegalArgumentException} here,
 * before anything is stored.
 *
 * @param type the event type name, not blank
 * @param data the event data as an immutable JSON object
 * @param metadata immutable metadata, empty when none
 * @param payloadType the class the data came from when built by {@link #of(Object)}, else
 * null; integrations use it to map the type name back to the class
 * @param id the event's id: a new one unless the caller sets it with {@link #withId}; a
 * retry that sends the same ids stores nothing twice (see
 * {@link EventStore#appendBatch(String, java.util.List, ExpectedVersion)})
 * @param revision the schema revision of the data: its class's
 * {@link EventType#revision()}, else 1; older revisions are upcast on read
 * @param payload the object the data came from when built by {@link #of(Object)}, else
 * null: a store with a serializer of its own (the application's {@code JsonMapper}, say)
 * serialises it again with that one when appending
 * @since 0.1.0
 */
public record NewEvent(String type, Map<String, Object> data, Map<String, Object> metadata,
		@Nullable Class<?> payloadType, UUID id, int revision, @Nullable Object payload) {

	public NewEvent {
		if (id == null) {
			throw new IllegalArgumentException("Event id must not be null");
		}
		if (revision < 1) {
			throw new IllegalArgumentException("Revision must be >= 1, was " + revision);
		}
		type = Texts.requireType(type);
		data = JsonValues.toObject(data, "Data", type);
		metadata = (metadata == null || metadata.isEmpty()) ? JsonValues.emptyObject()
				: JsonValues.toObject(metadata, "Metadata", type);
		JsonValues.checkLimits(data, metadata, type);
	}

	/**
	 * An event with no payload class.
	 * @param type the event type name, not blank
	 * @param data the data, a {@link Map} or an object that serialises to a JSON object
	 * @param metadata metadata, may be null or empty
	 */
	public NewEvent(String type, Map<String, Object> data, @Nullable Map<String, Object> metadata) {
		this(type, data, metadata, null, EventIds.next(), 1, null);
	}

	/**
	 * An event with no payload object.
	 * @param type the event type name, not blank
	 * @param data the data
	 * @param metadata metadata, may be null or empty
	 * @param payloadType the class the data came from, or null
	 * @param id the id
	 * @param revision the data's revision
	 */
	public NewEvent(String type, Map<String, Object> data, @Nullable Map<String, Object> metadata,
			@Nullable Class<?> payloadType, UUID id, int revision) {
		this(type, data, metadata, payloadType, id, revision, null);
	}

	/**
	 * An event with the revision of its payload class.
	 * @param type the event type name, not blank
	 * @param data the data
	 * @param metadata metadata, may be null or empty
	 * @param payloadType the class the data came from, or null
	 * @param id the id
	 */
	public NewEvent(String type, Map<String, Object> data, @Nullable Map<String, Object> metadata,
			@Nullable Class<?> payloadType, UUID id) {
		this(type, data, metadata, payloadType, id, revisionOf(payloadType));
	}

	/**
	 * An event with a new id.
	 * @param type the event type name, not blank
	 * @param data the data
	 * @param metadata metadata, may be null or empty
	 * @param payloadType the class the data came from, or null
	 */
	public NewEvent(String type, Map<String, Object> data, @Nullable Map<String, Object> metadata,
			@Nullable Class<?> payloadType) {
		this(type, data, metadata, payloadType, EventIds.next(), revisionOf(payloadType));
	}

	private static int revisionOf(@Nullable Class<?> payloadType) {
		EventType annotation = (payloadType != null) ? payloadType.getAnnotation(EventType.class) : null;
		return (annotation != null) ? annotation.revision() : 1;
	}

	/**
	 * This event with the given id: set it to the same id on every try of one append, so
	 * that a retry after a timeout cannot store the event twice.
	 * @param id the id, not null
	 * @return a copy with that id
	 */
	public NewEvent withId(UUID id) {
		return new NewEvent(this.type, this.data, this.metadata, this.payloadType, id, this.revision, this.payload);
	}

	/**
	 * This event with data of another schema revision, for data built by hand in the
	 * current shape of a type whose class is at that revision.
	 * @param revision the revision, at least 1
	 * @return a copy with that revision
	 */
	public NewEvent withRevision(int revision) {
		return new NewEvent(this.type, this.data, this.metadata, this.payloadType, this.id, revision, this.payload);
	}

	/**
	 * An event of the given type.
	 * @param type the event type name, not blank
	 * @param data a {@link Map} or any Jackson-serialisable object (a record, say) that
	 * serialises to a JSON object
	 * @return the event
	 */
	public static NewEvent of(String type, Object data) {
		return of(type, data, null);
	}

	/**
	 * An event of the given type with metadata (correlation ids, the user who caused it,
	 * ...).
	 * @param type the event type name, not blank
	 * @param data a {@link Map} or any Jackson-serialisable object that serialises to a
	 * JSON object
	 * @param metadata metadata, may be null or empty
	 * @return the event
	 */
	public static NewEvent of(String type, Object data, @Nullable Map<String, ?> metadata) {
		String name = requireText(type, "Event type");
		Map<String, Object> meta = (metadata == null) ? null : JsonValues.toObject(metadata, "Metadata", name);
		boolean typed = data != null && !(data instanceof Map<?, ?>);
		return new NewEvent(name, JsonValues.toObject(data, "Data", name), meta, typed ? data.getClass() : null,
				EventIds.next(), typed ? revisionOf(data.getClass()) : 1, typed ? data : null);
	}

	/**
	 * An event whose type name is taken from the payload's class: its {@link EventType}
	 * annotation, else its simple name.
	 * @param payload a record or bean that serialises to a JSON object
	 * @return the event
	 */
	public static NewEvent of(Object payload) {
		if (payload == null) {
			throw new IllegalArgumentException("Event payload must not be null");
		}
		if (payload instanceof Map<?, ?> || payload instanceof Iterable<?> || payload instanceof CharSequence
				|| payload instanceof Number || payload instanceof Boolean) {
			throw new IllegalArgumentException("NewEvent.of(payload) takes a typed payload such as a record, not a "
					+ payload.getClass().getName() + "; use NewEvent.of(type, data) to name the type yourself");
		}
		String type = typeNameOf(payload.getClass());
		return new NewEvent(type, JsonValues.toObject(payload, "Data", type), null, payload.getClass(), EventIds.next(),
				revisionOf(payload.getClass()), payload);
	}

	/**
	 * The event type name a payload class is stored under: its {@link EventType}
	 * annotation, else its simple name.
	 * @param payloadClass the payload class
	 * @return the type name
	 */
	public static String typeNameOf(Class<?> payloadClass) {
		EventType annotation = payloadClass.getAnnotation(EventType.class);
		if (annotation != null) {
			return requireText(annotation.value(), "@EventType value on " + payloadClass.getName());
		}
		String simpleName = payloadClass.getSimpleName();
		if (simpleName.isEmpty()) {
			throw new IllegalArgumentException("Cannot derive an event type name from the anonymous class "
					+ payloadClass.getName() + "; annotate a named class with @EventType");
		}
		return simpleName;
	}

	/**
	 * This event with its payload serialised by the given serializer instead of the
	 * store's default one; an event without a payload object is returned as it is.
	 */
	NewEvent serializedWith(EventSerializer serializer) {
		if (this.payload == null) {
			return this;
		}
		Map<String, Object> serialized = JsonValues.readObject(serializer.serialize(this.payload),
				"Data of event '" + this.type + "'");
		return new NewEvent(this.type, serialized, this.metadata, this.payloadType, this.id, this.revision,
				this.payload);
	}

	static String requireText(@Nullable String value, String what) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(what + " must not be null or blank");
		}
		return value;
	}

}
