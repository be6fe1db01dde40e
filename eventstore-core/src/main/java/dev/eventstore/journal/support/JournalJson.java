package dev.eventstore.journal.support;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.JsonData;
import org.jspecify.annotations.Nullable;

/**
 * Event data and metadata as JSON text, for journals that store them as text (a database
 * column, say): the JSON the event was serialised to, and stored JSON read the way the
 * store reads it, so that they come back equal.
 *
 * @since 0.2.0
 */
public final class JournalJson {

	private JournalJson() {
	}

	/**
	 * An event's data as the JSON text it was serialised to.
	 * @param event the event
	 * @return its data's JSON text
	 */
	public static String data(NewEvent event) {
		return new String(event.dataJson(), StandardCharsets.UTF_8);
	}

	/**
	 * An event's metadata as JSON text, or null when it has none.
	 * @param event the event
	 * @return its metadata's JSON text, or null
	 */
	public static @Nullable String metadata(NewEvent event) {
		return event.metadata().isEmpty() ? null : new String(event.metadataJson(), StandardCharsets.UTF_8);
	}

	/**
	 * A stored event's data as JSON text: what it was serialised to.
	 * @param event the event
	 * @return its data's JSON text
	 */
	public static String data(StoredEvent event) {
		return new String(event.dataJson(), StandardCharsets.UTF_8);
	}

	/**
	 * A stored event's metadata as JSON text, or null when it has none.
	 * @param event the event
	 * @return its metadata's JSON text, or null
	 */
	public static @Nullable String metadata(StoredEvent event) {
		return event.metadata().isEmpty() ? null : JsonData.MAPPER.writeValueAsString(event.metadata());
	}

	/**
	 * Stored JSON as an immutable object; null (a column holding no metadata, say) as the
	 * empty object.
	 * @param json the stored JSON text, or null
	 * @param what what it is, for the message
	 * @return the object
	 * @throws IllegalArgumentException if it is not a JSON object
	 */
	public static Map<String, Object> read(@Nullable String json, String what) {
		return (json == null) ? JsonData.emptyObject()
				: JsonData.readObject(json.getBytes(StandardCharsets.UTF_8), what);
	}

}
