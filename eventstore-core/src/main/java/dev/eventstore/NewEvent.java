package dev.eventstore;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import dev.eventstore.internal.EventIds;
import dev.eventstore.internal.JsonBody;
import dev.eventstore.internal.Limits;
import dev.eventstore.internal.Tags;
import dev.eventstore.internal.Texts;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTag;
import dev.eventstore.types.EventType;
import org.jspecify.annotations.Nullable;

/**
 * An event to append: a type name, a JSON object of data and optional metadata.
 * Immutable.
 *
 * <p>
 * Its data is held as the JSON bytes it is stored as, serialised once. Data built by hand
 * (a {@link Map}, {@link #of(String, Object)} with a map) is written and checked when the
 * event is made, by the store's default mapper; so is metadata. A typed payload
 * ({@link #of(Object)}, or {@link #of(String, Object)} with a record) is kept as it is
 * and serialised when it is appended, exactly once, by the store's
 * {@link EventSerializer} (the application's {@code JsonMapper} under Spring Boot), and
 * checked then. Either way, anything that would fail to serialise or to read back (a
 * cycle, NaN, a thread, a stream, a lambda or other non-data object, text that is not
 * valid Unicode, or anything beyond {@link EventLimits}) raises
 * {@link IllegalArgumentException} naming the event and the place, before anything is
 * stored.
 *
 * @since 0.1.0
 */
public final class NewEvent {

	private final String type;

	/** The data as serialised, or null while a typed payload waits for its store. */
	private final @Nullable JsonBody data;

	/** Which serializer wrote {@link #data} from {@link #payload}, if one did. */
	private final @Nullable EventSerializer dataBy;

	private final JsonBody metadata;

	private final @Nullable Class<?> payloadType;

	private final UUID id;

	private final int revision;

	private final @Nullable Object payload;

	private final Set<String> tags;

	/**
	 * The payload as the default serializer writes it, for {@link #data()} on an event
	 * not yet appended; a benign race.
	 */
	private volatile @Nullable JsonBody defaultData;

	/**
	 * An event.
	 * @param type the event type name, not blank
	 * @param data the data, a {@link Map} or an object that serialises to a JSON object
	 * @param metadata metadata, may be null or empty
	 * @param payloadType the class the data came from, or null
	 * @param id the event's id: set it to the same id on every try of one append, so that
	 * a retry cannot store the event twice
	 * @param revision the schema revision of the data, at least 1
	 * @param payload the object the data came from, or null; a store with a serializer of
	 * its own writes it with that one when appending
	 */
	public NewEvent(String type, Map<String, Object> data, @Nullable Map<String, Object> metadata,
			@Nullable Class<?> payloadType, UUID id, int revision, @Nullable Object payload) {
		this(Texts.requireType(type), JsonBody.ofValue(data, "Data of event '" + type + "'"), null,
				metadataOf(metadata, type), payloadType, requireId(id), requireRevision(revision), payload, Set.of());
		checkSize(this.type, Objects.requireNonNull(this.data), this.metadata);
	}

	/** An event of parts already checked: its copies and the factories' events. */
	private NewEvent(String type, @Nullable JsonBody data, @Nullable EventSerializer dataBy, JsonBody metadata,
			@Nullable Class<?> payloadType, UUID id, int revision, @Nullable Object payload, Set<String> tags) {
		this.type = type;
		this.tags = tags;
		this.data = data;
		this.dataBy = dataBy;
		this.metadata = metadata;
		this.payloadType = payloadType;
		this.id = id;
		this.revision = revision;
		this.payload = payload;
	}

	private static UUID requireId(@Nullable UUID id) {
		if (id == null) {
			throw new IllegalArgumentException("Event id must not be null");
		}
		return id;
	}

	private static int requireRevision(int revision) {
		if (revision < 1) {
			throw new IllegalArgumentException("Revision must be >= 1, was " + revision);
		}
		return revision;
	}

	private static JsonBody metadataOf(@Nullable Map<String, ?> metadata, String type) {
		return (metadata == null || metadata.isEmpty()) ? JsonBody.empty()
				: JsonBody.ofValue(metadata, "Metadata of event '" + type + "'");
	}

	private static void checkSize(String type, JsonBody data, JsonBody metadata) {
		long size = data.length() + (metadata.isEmpty() ? 0 : metadata.length());
		if (size > Limits.MAX_EVENT_BYTES) {
			throw new IllegalArgumentException(
					"Event '" + type + "' takes " + size + " bytes of JSON data and metadata; the limit is "
							+ Limits.MAX_EVENT_BYTES + " (EventLimits.MAX_EVENT_BYTES)");
		}
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

	static int revisionOf(@Nullable Class<?> payloadType) {
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
		// Personal data is encrypted under the event's id: written again for the new one.
		boolean protectedData = this.dataBy instanceof ProtectingSerializer;
		return new NewEvent(this.type, protectedData ? null : this.data, protectedData ? null : this.dataBy,
				this.metadata, this.payloadType, requireId(id), this.revision, this.payload, this.tags);
	}

	/**
	 * This event with data of another schema revision, for data built by hand in the
	 * current shape of a type whose class is at that revision.
	 * @param revision the revision, at least 1
	 * @return a copy with that revision
	 */
	public NewEvent withRevision(int revision) {
		return new NewEvent(this.type, this.data, this.dataBy, this.metadata, this.payloadType, this.id,
				requireRevision(revision), this.payload, this.tags);
	}

	/**
	 * This event with other metadata; its data is not serialised again.
	 * @param metadata the metadata, may be null or empty
	 * @return a copy with that metadata
	 * @since 0.2.0
	 */
	public NewEvent withMetadata(@Nullable Map<String, ?> metadata) {
		JsonBody meta = metadataOf(metadata, this.type);
		if (this.data != null) {
			checkSize(this.type, this.data, meta);
		}
		return new NewEvent(this.type, this.data, this.dataBy, meta, this.payloadType, this.id, this.revision,
				this.payload, this.tags);
	}

	/**
	 * This event with these tags added to its own (those its payload's
	 * {@link EventTag @EventTag} components gave it, say). A tag is an opaque text,
	 * {@code key:value} by convention; queries and append conditions select events by
	 * them across streams.
	 * @param tags the tags: not blank, at most {@link EventLimits#MAX_TAG_LENGTH}
	 * characters each, at most {@link EventLimits#MAX_TAGS} on the event
	 * @return a copy with those tags
	 * @throws IllegalArgumentException naming a bad tag, or the count
	 * @since 0.2.0
	 */
	public NewEvent withTags(String... tags) {
		if (tags == null) {
			throw new IllegalArgumentException("Tags must not be null");
		}
		return new NewEvent(this.type, this.data, this.dataBy, this.metadata, this.payloadType, this.id, this.revision,
				this.payload, Tags.with(this.tags, Arrays.asList(tags)));
	}

	/**
	 * The event's tags, in the order they were given; empty when none.
	 * @return the immutable set of tags
	 * @since 0.2.0
	 */
	public Set<String> tags() {
		return this.tags;
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
	 * ...). A {@link Map} is serialised now; any other object when it is appended, by the
	 * store's serializer.
	 * @param type the event type name, not blank
	 * @param data a {@link Map} or any Jackson-serialisable object that serialises to a
	 * JSON object
	 * @param metadata metadata, may be null or empty
	 * @return the event
	 */
	public static NewEvent of(String type, Object data, @Nullable Map<String, ?> metadata) {
		String name = Texts.requireType(requireText(type, "Event type"));
		JsonBody meta = metadataOf(metadata, name);
		String what = "Data of event '" + name + "'";
		PayloadClass.refuseEvent(data);
		if (data == null || data instanceof Map<?, ?> || !PayloadClass.isPayload(data)) {
			JsonBody body = JsonBody.ofValue(data, what);
			checkSize(name, body, meta);
			return new NewEvent(name, body, null, meta, null, EventIds.next(), 1, null, Set.of());
		}
		PayloadClass payloadClass = PayloadClass.of(data.getClass());
		return new NewEvent(name, null, null, meta, data.getClass(), EventIds.next(), payloadClass.revision(), data,
				payloadClass.tagsOf(data));
	}

	/**
	 * An event whose type name is taken from the payload's class: its {@link EventType}
	 * annotation, else its simple name. The payload is serialised when it is appended, by
	 * the store's serializer.
	 * @param payload a record or bean that serialises to a JSON object
	 * @return the event
	 */
	public static NewEvent of(Object payload) {
		if (payload == null) {
			throw new IllegalArgumentException("Event payload must not be null");
		}
		PayloadClass.refuseEvent(payload);
		if (payload instanceof Map<?, ?> || !PayloadClass.isPayload(payload)) {
			throw new IllegalArgumentException("NewEvent.of(payload) takes a typed payload such as a record, not a "
					+ payload.getClass().getName() + "; use NewEvent.of(type, data) to name the type yourself");
		}
		PayloadClass payloadClass = PayloadClass.of(payload.getClass());
		return new NewEvent(payloadClass.typeName(), null, null, JsonBody.empty(), payload.getClass(), EventIds.next(),
				payloadClass.revision(), payload, payloadClass.tagsOf(payload));
	}

	/**
	 * An event whose data is JSON serialised already (copied from another store, say):
	 * checked, and stored as it is.
	 * @param type the event type name, not blank
	 * @param json the data, a JSON object in UTF-8
	 * @param metadata metadata, may be null or empty
	 * @return the event
	 * @throws IllegalArgumentException if the JSON is not one object within
	 * {@link EventLimits}
	 * @since 0.2.0
	 */
	public static NewEvent ofJson(String type, byte[] json, @Nullable Map<String, ?> metadata) {
		String name = Texts.requireType(requireText(type, "Event type"));
		if (json == null) {
			throw new IllegalArgumentException("Data of event '" + name + "' must not be null");
		}
		JsonBody body = JsonBody.ofSerialized(json.clone(), "Data of event '" + name + "'");
		JsonBody meta = metadataOf(metadata, name);
		checkSize(name, body, meta);
		return new NewEvent(name, body, null, meta, null, EventIds.next(), 1, null, Set.of());
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
	 * This event with its data serialised by the given serializer: a typed payload is
	 * written by it once (and checked); data built by hand, or already written by it, is
	 * kept.
	 */
	NewEvent serializedWith(EventSerializer serializer) {
		if (this.payload == null || (this.data != null && this.dataBy == serializer)) {
			return this;
		}
		String what = "Data of event '" + this.type + "'";
		if (!(serializer instanceof ProtectingSerializer)) {
			PersonalFields.refuseUnprotected(this.type, this.payload);
		}
		byte[] json;
		try {
			json = (serializer instanceof ProtectingSerializer protecting) ? protecting.serialize(this.payload, this.id)
					: serializer.serialize(this.payload);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(what + " is not serialisable to JSON: " + ex.getMessage(), ex);
		}
		JsonBody body = JsonBody.ofSerialized(json, what);
		checkSize(this.type, body, this.metadata);
		return new NewEvent(this.type, body, serializer, this.metadata, this.payloadType, this.id, this.revision,
				this.payload, this.tags);
	}

	/**
	 * This event built by hand with its data's personal values sealed: the same event
	 * with the sealed JSON as its data.
	 */
	NewEvent withSealedData(byte[] json) {
		JsonBody body = JsonBody.ofSerialized(json, "Data of event '" + this.type + "'");
		checkSize(this.type, body, this.metadata);
		return new NewEvent(this.type, body, this.dataBy, this.metadata, this.payloadType, this.id, this.revision,
				this.payload, this.tags);
	}

	/**
	 * The data as stored: serialised now by the default serializer if still a payload.
	 */
	JsonBody body() {
		JsonBody body = this.data;
		if (body == null) {
			// serializedWith refuses a payload holding personal values.
			body = this.defaultData;
			if (body == null) {
				body = Objects.requireNonNull(serializedWith(JacksonEventSerializer.defaults()).data);
				this.defaultData = body;
			}
		}
		return body;
	}

	/** The event type name. */
	public String type() {
		return this.type;
	}

	/**
	 * The data as an immutable JSON object: read from its serialised form. For a typed
	 * payload not yet appended, that is the default serializer's form; a store with a
	 * serializer of its own stores that serializer's.
	 * @return the data
	 * @throws IllegalArgumentException if a typed payload has no JSON form
	 */
	public Map<String, Object> data() {
		return body().map();
	}

	/**
	 * The data as the JSON it is stored as, UTF-8: a copy. For journal implementations.
	 * @return the JSON
	 * @throws IllegalArgumentException if a typed payload has no JSON form
	 * @since 0.2.0
	 */
	public byte[] dataJson() {
		return body().bytes().clone();
	}

	/** The metadata as an immutable JSON object, empty when none. */
	public Map<String, Object> metadata() {
		return this.metadata.map();
	}

	/**
	 * The metadata as the JSON it is stored as, UTF-8 ({@code {}} when none): a copy. For
	 * journal implementations.
	 * @return the JSON
	 * @since 0.2.0
	 */
	public byte[] metadataJson() {
		return this.metadata.bytes().clone();
	}

	/**
	 * The class the data came from when built from a typed payload, else null;
	 * integrations use it to map the type name back to the class.
	 */
	public @Nullable Class<?> payloadType() {
		return this.payloadType;
	}

	/** The event's id: a new one unless set with {@link #withId}. */
	public UUID id() {
		return this.id;
	}

	/**
	 * The schema revision of the data: its class's {@link EventType#revision()}, else 1;
	 * older revisions are upcast on read.
	 */
	public int revision() {
		return this.revision;
	}

	/** The object the data came from when built from a typed payload, else null. */
	public @Nullable Object payload() {
		return this.payload;
	}

	/** Two events are equal when their type, id, revision, data and metadata are. */
	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof NewEvent that && this.type.equals(that.type) && this.id.equals(that.id)
				&& this.revision == that.revision && Objects.equals(this.payloadType, that.payloadType)
				&& this.tags.equals(that.tags) && data().equals(that.data()) && metadata().equals(that.metadata());
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.type, this.id);
	}

	@Override
	public String toString() {
		return "NewEvent[type=" + this.type + ", id=" + this.id + ", revision=" + this.revision + ", data="
				+ ((this.data != null) ? this.data.text()
						: (this.payload != null) ? PersonalFields.of(this.payload.getClass()).describe(this.payload)
								: "null")
				+ ", metadata=" + this.metadata.text() + (this.tags.isEmpty() ? "" : ", tags=" + this.tags) + "]";
	}

	static String requireText(@Nullable String value, String what) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(what + " must not be null or blank");
		}
		return value;
	}

}
