package dev.eventstore.internal;

/**
 * The values of the public {@code dev.eventstore.EventLimits}, kept here so that the
 * internal code that enforces them does not depend on the API package (which depends on
 * it): the dependency runs one way.
 */
public final class Limits {

	public static final int MAX_STREAM_ID_LENGTH = 512;

	public static final int MAX_TYPE_LENGTH = 512;

	public static final int MAX_NAME_LENGTH = 10_000;

	public static final int MAX_NUMBER_LENGTH = 1_000;

	public static final int MAX_NESTING_DEPTH = 200;

	public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

	public static final int MAX_TAGS = 64;

	public static final int MAX_TAG_LENGTH = 512;

	private Limits() {
	}

}
