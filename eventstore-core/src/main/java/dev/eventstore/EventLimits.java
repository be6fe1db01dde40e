package dev.eventstore;

import dev.eventstore.internal.Limits;

/**
 * The limits every journal accepts, the same for all of them. An append beyond any of
 * them is refused with {@link IllegalArgumentException} before anything is stored, so
 * that whatever is stored can always be read back, by every journal, after a restart too.
 * Text must be valid Unicode: a lone UTF-16 surrogate (in a stream id, a type, a key or a
 * string value) is refused, and so is a NUL character in a stream id or type.
 *
 * @since 0.2.0
 */
public final class EventLimits {

	/** Most characters in a stream id. */
	public static final int MAX_STREAM_ID_LENGTH = Limits.MAX_STREAM_ID_LENGTH;

	/** Most characters in an event type name. */
	public static final int MAX_TYPE_LENGTH = Limits.MAX_TYPE_LENGTH;

	/** Most characters in one key (a JSON object's member name) of data or metadata. */
	public static final int MAX_NAME_LENGTH = Limits.MAX_NAME_LENGTH;

	/** Most characters in a number's JSON text, sign included. */
	public static final int MAX_NUMBER_LENGTH = Limits.MAX_NUMBER_LENGTH;

	/** Deepest nesting of objects and arrays, counting the data object itself as 1. */
	public static final int MAX_NESTING_DEPTH = Limits.MAX_NESTING_DEPTH;

	/**
	 * Most bytes of an event's data and metadata together, as compact UTF-8 JSON (16
	 * MiB). A string value is bounded by it too.
	 */
	public static final int MAX_EVENT_BYTES = Limits.MAX_EVENT_BYTES;

	/** Most tags on one event. */
	public static final int MAX_TAGS = Limits.MAX_TAGS;

	/** Most characters in one tag. */
	public static final int MAX_TAG_LENGTH = Limits.MAX_TAG_LENGTH;

	private EventLimits() {
	}

}
