package dev.eventstore.journal.support;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.eventstore.internal.JsonValues;
import org.jspecify.annotations.Nullable;

/**
 * Event data and metadata as JSON text, for journals that store them as text (a database
 * column, say): written and read the way the store writes and reads them, so that they
 * come back equal.
 *
 * @since 0.2.0
 */
public final class JournalJson {

	private JournalJson() {
	}

	/**
	 * An event's data or metadata as compact JSON.
	 * @param object the data or metadata of a {@link dev.eventstore.NewEvent}
	 * @return its JSON text
	 */
	public static String write(Map<String, Object> object) {
		return JsonValues.MAPPER.writeValueAsString(object);
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
		return (json == null) ? JsonValues.emptyObject()
				: JsonValues.readObject(json.getBytes(StandardCharsets.UTF_8), what);
	}

}
