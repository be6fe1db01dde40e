package dev.eventstore.journal.file;

import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * The events stream reads decoded lately and appends committed lately, by position, so
 * that loading the same aggregate again (the command path: load, decide, append, and
 * again) reads and decodes nothing: one slot per position modulo the capacity, a newer
 * event taking the slot of an older one. Events are immutable, and a position's event
 * never changes once committed, so a slot holding the position asked for is always right.
 * Lock-free and thread-safe. Hand-written rather than a caching library's: the key is a
 * dense counter, so an array indexed by it needs no hashing, no eviction policy and no
 * dependency.
 */
final class DecodedEvents {

	private final AtomicReferenceArray<@Nullable StoredEvent> slots;

	private final int mask;

	/**
	 * @param capacity the number of slots, a power of two
	 */
	DecodedEvents(int capacity) {
		if (capacity < 1 || Integer.bitCount(capacity) != 1) {
			throw new IllegalArgumentException("Capacity must be a power of two, was " + capacity);
		}
		this.slots = new AtomicReferenceArray<>(capacity);
		this.mask = capacity - 1;
	}

	/** The event at the position, if its slot still holds it. */
	@Nullable StoredEvent get(long position) {
		StoredEvent event = this.slots.get((int) (position & this.mask));
		return (event != null && event.position() == position) ? event : null;
	}

	/**
	 * Keeps an event: one decoded by a read, or one just committed by an append, which
	 * reads back equal to its line.
	 */
	void put(StoredEvent event) {
		// A release store suffices: the event is immutable and a reader that misses it
		// reads the line.
		this.slots.setRelease((int) (event.position() & this.mask), event);
	}

}
