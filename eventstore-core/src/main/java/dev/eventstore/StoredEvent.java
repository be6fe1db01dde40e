package dev.eventstore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.eventstore.internal.EventIds;
import dev.eventstore.internal.JsonBody;
import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.Tags;
import dev.eventstore.internal.Texts;
import dev.eventstore.personal.Redaction;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event as the store holds it: immutable, with its place in the global log and in its
 * stream. Its data is a deeply unmodifiable JSON object (maps, lists, strings, numbers,
 * booleans, nulls); numbers read back as {@link Integer}, {@link Long},
 * {@link java.math.BigInteger} or {@link Double}, the same before and after a restart.
 *
 * <p>
 * An event read from a journal keeps its data as the JSON the journal holds and decodes
 * it only when asked, once: {@link #data()} into maps, {@link #payload(Class)} straight
 * into a class, {@link #payload()} into the class its type name is registered for in
 * {@link EventTypes}. Reading a stream therefore costs nothing for data nobody looks at.
 * Two events are equal when all their parts are. Jackson writes it as an object of those
 * parts. Thread-safe.
 *
 * @since 0.1.0
 */
@JsonAutoDetect(getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE,
		fieldVisibility = Visibility.NONE)
@JsonPropertyOrder({ "position", "streamId", "version", "type", "revision", "tags", "data", "metadata", "timestamp",
		"id" })
public final class StoredEvent {

	private final long position;

	private final String streamId;

	private final long version;

	private final String type;

	private final int revision;

	private final Map<String, Object> metadata;

	private final Instant timestamp;

	private final UUID id;

	private final Set<String> tags;

	/**
	 * The data as stored, shared by every view of this event ({@link #withReader}), so
	 * that it is decoded once however many reads return the event; or, after upcasting,
	 * the tree the upcasters made.
	 */
	private final EventBody body;

	private final @Nullable EventTypes types;

	/** The serializer payloads are read with: the store's. */
	private final EventSerializer serializer;

	/**
	 * The last payload decoded, and its class: most readers ask for one class. Kept per
	 * view, not shared with other reads of the event: a payload class may be mutable.
	 */
	private volatile @Nullable Object payload;

	/**
	 * An event with decoded data.
	 * @param position its global position, 1-based and gapless across the whole store
	 * @param streamId the stream it belongs to
	 * @param version its version within the stream, 1-based and contiguous
	 * @param type its type name
	 * @param data its data, a JSON object
	 * @param metadata its metadata, empty when none
	 * @param timestamp when it was appended
	 * @param id the id it was appended with ({@link NewEvent#id()})
	 */
	public StoredEvent(long position, String streamId, long version, String type, Map<String, Object> data,
			@Nullable Map<String, Object> metadata, Instant timestamp, UUID id) {
		this(position, streamId, version, type, 1,
				new EventBody(JsonBody.ofValue(data, "Data of event '" + requireType(type) + "'"), null),
				immutable(metadata, type), timestamp, id, Set.of(), null, JacksonEventSerializer.defaults());
	}

	/**
	 * An event stored before events had ids: its id is derived from its position, and no
	 * retry matches it.
	 * @param position its position
	 * @param streamId its stream
	 * @param version its version
	 * @param type its type
	 * @param data its data
	 * @param metadata its metadata
	 * @param timestamp when it was appended
	 */
	public StoredEvent(long position, String streamId, long version, String type, Map<String, Object> data,
			@Nullable Map<String, Object> metadata, Instant timestamp) {
		this(position, streamId, version, type, data, metadata, timestamp, EventIds.derived(position));
	}

	private StoredEvent(long position, String streamId, long version, String type, int revision, EventBody body,
			@Nullable Map<String, Object> metadata, Instant timestamp, UUID id, Set<String> tags,
			@Nullable EventTypes types, EventSerializer serializer) {
		if (position < 1) {
			throw new IllegalArgumentException("Position must be >= 1, was " + position);
		}
		if (version < 1) {
			throw new IllegalArgumentException("Version must be >= 1, was " + version);
		}
		if (revision < 1) {
			throw new IllegalArgumentException("Revision must be >= 1, was " + revision);
		}
		if (timestamp == null) {
			throw new IllegalArgumentException("Timestamp must not be null");
		}
		if (id == null) {
			throw new IllegalArgumentException("Event id must not be null");
		}
		this.position = position;
		this.streamId = NewEvent.requireText(streamId, "Stream id");
		this.version = version;
		this.type = requireType(type);
		this.revision = revision;
		this.body = body;
		this.metadata = (metadata == null || metadata.isEmpty()) ? JsonData.emptyObject() : metadata;
		this.timestamp = timestamp;
		this.id = id;
		this.tags = tags;
		this.types = types;
		this.serializer = serializer;
	}

	private static String requireType(String type) {
		return NewEvent.requireText(type, "Event type");
	}

	/** Metadata given by a caller, as an immutable JSON object. */
	private static @Nullable Map<String, Object> immutable(@Nullable Map<String, Object> metadata, String type) {
		return (metadata == null || metadata.isEmpty()) ? null
				: JsonBody.ofValue(metadata, "Metadata of event '" + type + "'").map();
	}

	/**
	 * An event as a journal read it, its data still the JSON the journal holds: for
	 * journal implementations. The JSON is decoded on first use; the journal vouches that
	 * it is an object (its checksum, or its database, says so).
	 * @param position its position
	 * @param streamId its stream
	 * @param version its version
	 * @param type its type name
	 * @param revision the schema revision of its data, 1 for events stored without one
	 * @param dataJson its data as UTF-8 JSON; not copied, so the caller must not change
	 * it
	 * @param metadata its metadata as the journal read it (an immutable JSON object, see
	 * {@code JournalJson}), empty or null when none; not copied
	 * @param timestamp when it was appended
	 * @param id its id, or null for an event stored before events had ids (it then gets
	 * one derived from its position)
	 * @return the event
	 */
	public static StoredEvent fromJson(long position, String streamId, long version, String type, int revision,
			byte[] dataJson, @Nullable Map<String, Object> metadata, Instant timestamp, @Nullable UUID id) {
		return fromJson(position, streamId, version, type, revision, dataJson, metadata, timestamp, id, List.of());
	}

	/**
	 * An event with tags as a journal read it: for journal implementations.
	 * @param position its position
	 * @param streamId its stream
	 * @param version its version
	 * @param type its type name
	 * @param revision the schema revision of its data
	 * @param dataJson its data as UTF-8 JSON; not copied
	 * @param metadata its metadata as the journal read it, empty or null when none
	 * @param timestamp when it was appended
	 * @param id its id, or null for an event stored before events had ids
	 * @param tags its tags as stored, empty when none
	 * @return the event
	 * @since 0.2.0
	 */
	public static StoredEvent fromJson(long position, String streamId, long version, String type, int revision,
			byte[] dataJson, @Nullable Map<String, Object> metadata, Instant timestamp, @Nullable UUID id,
			List<String> tags) {
		return new StoredEvent(position, streamId, version, type, revision,
				new EventBody(JsonBody.stored(dataJson), null), metadata, timestamp,
				(id != null) ? id : EventIds.derived(position), Tags.stored(tags), null,
				JacksonEventSerializer.defaults());
	}

	/**
	 * An event as a journal stores one it was given: for journal implementations.
	 * @param position its position
	 * @param streamId its stream
	 * @param version its version
	 * @param event the event appended
	 * @param timestamp when it was appended
	 * @return the stored event
	 */
	public static StoredEvent appended(long position, String streamId, long version, NewEvent event,
			Instant timestamp) {
		return new StoredEvent(position, streamId, version, event.type(), event.revision(),
				new EventBody(event.body(), null), event.metadata(), timestamp, event.id(), event.tags(), null,
				JacksonEventSerializer.defaults());
	}

	/**
	 * The same event, with data of another revision: the tree the upcasters made of it,
	 * read by {@link #data()} and the payload methods as it is.
	 * @param revision the data's revision
	 * @param tree the data in that revision
	 * @return the event with that data
	 */
	StoredEvent withTree(int revision, ObjectNode tree) {
		return new StoredEvent(this.position, this.streamId, this.version, this.type, revision, this.body.upcast(tree),
				this.metadata, this.timestamp, this.id, this.tags, this.types, this.serializer);
	}

	/** The stored JSON of the data, parsed into a tree an upcaster may change. */
	ObjectNode tree() {
		return this.body.tree();
	}

	/**
	 * The same event, resolving {@link #payload()} through the given registry and reading
	 * payloads with the given serializer.
	 */
	StoredEvent withReader(EventTypes types, EventSerializer serializer) {
		return new StoredEvent(this, types, serializer);
	}

	/**
	 * Another view of this event: equal to it, sharing its decoded {@link #data()}, but
	 * none of the payloads decoded from it (a payload class may be mutable). For journal
	 * implementations that keep the events they read and return them again.
	 * @return the view
	 * @since 0.2.0
	 */
	public StoredEvent view() {
		return new StoredEvent(this, this.types, this.serializer);
	}

	/** Another view of a valid event: nothing to check again, the data shared. */
	private StoredEvent(StoredEvent source, @Nullable EventTypes types, EventSerializer serializer) {
		this.position = source.position;
		this.streamId = source.streamId;
		this.version = source.version;
		this.type = source.type;
		this.revision = source.revision;
		this.metadata = source.metadata;
		this.timestamp = source.timestamp;
		this.id = source.id;
		this.tags = source.tags;
		this.body = source.body;
		this.types = types;
		this.serializer = serializer;
	}

	/** The event's global position, 1-based and gapless across the whole store. */
	@JsonProperty
	public long position() {
		return this.position;
	}

	/** The stream it belongs to. */
	@JsonProperty
	public String streamId() {
		return this.streamId;
	}

	/** Its version within the stream, 1-based and contiguous. */
	@JsonProperty
	public long version() {
		return this.version;
	}

	/** Its type name. */
	@JsonProperty
	public String type() {
		return this.type;
	}

	/**
	 * The schema revision of its data: 1 unless its class declares another with
	 * {@link dev.eventstore.types.EventType#revision()}; after upcasting, the latest.
	 */
	@JsonProperty
	public int revision() {
		return this.revision;
	}

	/** Its data: a deeply unmodifiable JSON object, decoded on first use. */
	@JsonProperty
	public Map<String, Object> data() {
		return this.body.data(this.position);
	}

	/**
	 * Its data as the JSON it is stored as, UTF-8: a copy. After upcasting, the upcast
	 * data written out.
	 * @return the JSON
	 * @since 0.2.0
	 */
	public byte[] dataJson() {
		return this.body.jsonCopy();
	}

	/**
	 * Its tags, in the order they were given; empty when none.
	 * @return the immutable set of tags
	 * @since 0.2.0
	 */
	@JsonProperty
	@JsonInclude(JsonInclude.Include.NON_EMPTY)
	public Set<String> tags() {
		return this.tags;
	}

	/** Its metadata, empty when none. */
	@JsonProperty
	public Map<String, Object> metadata() {
		return this.metadata;
	}

	/** When it was appended. */
	@JsonProperty
	public Instant timestamp() {
		return this.timestamp;
	}

	/**
	 * The id it was appended with ({@link NewEvent#id()}); for an event stored before
	 * events had ids, a name-based UUID derived from its position, which no retry
	 * matches.
	 */
	@JsonProperty
	public UUID id() {
		return this.id;
	}

	/**
	 * Whether {@link #payload()} has a class to read this event into: one is registered
	 * for its type in the store's {@link EventTypes}.
	 * @return whether the event is typed
	 */
	public boolean isTyped() {
		return this.types != null && this.types.classFor(this.type).isPresent();
	}

	/**
	 * The data as an instance of the class its type name is registered for in the store's
	 * {@link EventTypes}, decoded once.
	 * @return the payload
	 * @throws IllegalStateException if no class is registered for the type (read
	 * {@link #data()} instead, or register the class)
	 * @throws IllegalArgumentException if the data does not fit the class
	 */
	public Object payload() {
		Class<?> payloadType = (this.types != null) ? this.types.classFor(this.type).orElse(null) : null;
		if (payloadType == null) {
			throw new IllegalStateException("No class is registered for event type '" + this.type + "' (position "
					+ this.position + ")" + ((this.types != null) ? "" : ": the store has no event types")
					+ "; register one with @EventType and EventStore.builder().eventTypes(...), "
					+ "or read data() or payload(Class)");
		}
		return payload(payloadType);
	}

	/**
	 * The data as an instance of a class, typically the record it was appended from,
	 * decoded straight from the stored JSON and kept for the next call with that class.
	 * @param <T> the target type
	 * @param type the target class
	 * @return the payload
	 * @throws IllegalArgumentException if the data does not fit the class
	 */
	public <T> T payload(Class<T> type) {
		Object last = this.payload;
		if (last != null && last.getClass() == type) {
			return type.cast(last);
		}
		if (this.serializer instanceof ProtectingSerializer protecting) {
			Class<?> sealedAs = protecting.sealedAs(this.type, type);
			if (sealedAs != null) {
				return this.body.revealedPayload(protecting, sealedAs, type, this);
			}
		}
		T decoded;
		try {
			decoded = this.body.payload(this.serializer, type);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new IllegalArgumentException(doesNotFit(type) + Texts.firstLine(ex.getMessage()), ex);
		}
		this.payload = decoded;
		return decoded;
	}

	/**
	 * The data converted to a class; the same as {@link #payload(Class)}.
	 * @param <T> the target type
	 * @param type the target class
	 * @return an instance holding the data
	 * @throws IllegalArgumentException if the data does not fit the class
	 */
	public <T> T dataAs(Class<T> type) {
		return payload(type);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof StoredEvent that && this.position == that.position && this.version == that.version
				&& this.revision == that.revision && this.streamId.equals(that.streamId) && this.type.equals(that.type)
				&& this.id.equals(that.id) && this.timestamp.equals(that.timestamp)
				&& this.metadata.equals(that.metadata) && this.tags.equals(that.tags) && data().equals(that.data());
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.position, this.streamId, this.version, this.type, this.id);
	}

	@Override
	public String toString() {
		return "StoredEvent[position=" + this.position + ", streamId=" + this.streamId + ", version=" + this.version
				+ ", type=" + this.type + ", revision=" + this.revision + ", data=" + data() + ", metadata="
				+ this.metadata + ", timestamp=" + this.timestamp + ", id=" + this.id
				+ (this.tags.isEmpty() ? "" : ", tags=" + this.tags) + "]";
	}

	/** The start of a message saying the data does not fit a class. */
	String doesNotFit(Class<?> type) {
		return "Event at position " + this.position + " ('" + this.type + "' in stream '" + this.streamId
				+ "') does not fit " + type.getName() + ": ";
	}

	/**
	 * What to keep out of a text about this event: the personal values a read of its
	 * payload decrypted, while the event keeps them (until an erasure). A handler's
	 * exception may quote them; a processor withholds them before it logs the failure or
	 * stores it with a parked event, where no erasure would reach them.
	 * @return the values to withhold, none when nothing was decrypted
	 * @since 0.2.0
	 */
	public Redaction redaction() {
		return this.body.redaction(this.serializer);
	}

}
