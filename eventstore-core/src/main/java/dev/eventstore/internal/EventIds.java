package dev.eventstore.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes event ids.
 *
 * @since 0.2.0
 */
public final class EventIds {

	private EventIds() {
	}

	/**
	 * A new time-ordered id (UUID version 7): 48 bits of milliseconds, 74 random bits.
	 * The random bits come from {@link ThreadLocalRandom}, not {@link UUID#randomUUID()}:
	 * an id must be unique, not unpredictable, and SecureRandom would cost every append a
	 * contended microsecond.
	 * @return the id
	 */
	public static UUID next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
		long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low);
	}

	/**
	 * The id of an event stored before events had ids: a name-based UUID of its position,
	 * the same at every read. No retry matches it.
	 * @param position the event's position
	 * @return the id
	 */
	public static UUID derived(long position) {
		return UUID.nameUUIDFromBytes(("eventstore-position:" + position).getBytes(StandardCharsets.US_ASCII));
	}

}
