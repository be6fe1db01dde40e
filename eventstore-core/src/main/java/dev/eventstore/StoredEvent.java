package dev.eventstore;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.internal.EventIds;
import dev.eventstore.internal.JsonValues;

/**
 * An event as the store holds it: immutable, with its place in the global log and in its
 * stream. {@code data} and {@code metadata} are deeply unmodifiable JSON values (maps,
 * lists, strings, numbers, booleans, nulls); numbers read back as {@link Integer},
 * {@link Long}, {@link java.math.BigInteger} or {@link Double}, the same before and after
 * a restart.
 *
 * @param position the event's global position, 1-based and gapless across the whole store
 * @param streamId the stream it belongs to
 * @param version its version within the stream, 1-based and contiguous
 * @param type its type name
 * @param data its data, a JSON object
 * @param metadata its metadata, empty when none
 * @param timestamp when it was appended
 * @param id the id it was appended with ({@link NewEvent#id()}); for an event stored
 * before events had ids, a name-based UUID derived from its position, which no retry
 * matches
 */
public record StoredEvent(long position, String streamId, long version, String type, Map<String, Object> data,
		Map<String, Object> metadata, Instant timestamp, UUID id) {

	/**
	 * An event stored before events had ids: its id is derived from its position.
	 * @param position its position
	 * @param streamId its stream
	 * @param version its version
	 * @param type its type
	 * @param data its data
	 * @param metadata its metadata
	 * @param timestamp when it was appended
	 */
	public StoredEvent(long position, String streamId, long version, String type, Map<String, Object> data,
			Map<String, Object> metadata, Instant timestamp) {
		this(position, streamId, version, type, data, metadata, timestamp, EventIds.derived(position));
	}

	public StoredEvent {
		if (id == null) {
			throw new IllegalArgumentException("Event id must not be null");
		}
		if (position < 1) {
			throw new IllegalArgumentException("Position must be >= 1, was " + position);
		}
		if (version < 1) {
			throw new IllegalArgumentException("Version must be >= 1, was " + version);
		}
		streamId = NewEvent.requireText(streamId, "Stream id");
		type = NewEvent.requireText(type, "Event type");
		data = JsonValues.toObject(data, "Data", type);
		metadata = (metadata == null || metadata.isEmpty()) ? JsonValues.emptyObject()
				: JsonValues.toObject(metadata, "Metadata", type);
		if (timestamp == null) {
			throw new IllegalArgumentException("Timestamp must not be null");
		}
	}

	/**
	 * The data converted to a class, typically the record it was appended from.
	 * @param <T> the target type
	 * @param type the target class
	 * @return a new instance holding the data
	 * @throws IllegalArgumentException if the data does not fit the class
	 */
	public <T> T dataAs(Class<T> type) {
		try {
			return JsonValues.convert(this.data, type);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Event at position " + this.position + " ('" + this.type
					+ "' in stream '" + this.streamId + "'): " + ex.getMessage(), ex);
		}
	}

}
