package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventIdConflictException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.Texts;
import org.jspecify.annotations.Nullable;

/**
 * Tells a retry from a new append by the events' ids, the same way for every journal.
 * Each journal calls it inside its write serialisation, with a lookup of its own.
 *
 * @since 0.2.0
 */
public final class Retries {

	private Retries() {
	}

	/**
	 * The events a first try stored, if this batch is a retry of it: every id stored, in
	 * the same stream, on consecutive positions in the same order, with the same type,
	 * data and metadata, and the expected version the first try met.
	 * @param streamId the stream of the append
	 * @param events the batch, at least one event, its ids distinct
	 * @param expected the append's expected version
	 * @param currentVersion the stream's version now, for a conflict's message
	 * @param lookup the stored event with an id, or null
	 * @return the stored events for a retry, or null when none of the ids is stored
	 * @throws EventIdConflictException if some ids are stored and the batch is not a
	 * retry
	 * @throws ConcurrencyConflictException if it is a retry with another expected version
	 */
	public static @Nullable List<StoredEvent> storedCopy(String streamId, List<NewEvent> events,
			ExpectedVersion expected, long currentVersion, Function<UUID, @Nullable StoredEvent> lookup) {
		List<StoredEvent> stored = null;
		@Nullable UUID missing = null;
		for (NewEvent event : events) {
			StoredEvent found = lookup.apply(event.id());
			if (found == null) {
				if (missing == null) {
					missing = event.id();
				}
				continue;
			}
			if (!found.streamId().equals(streamId)) {
				throw conflict(event.id(), "is already stored in stream " + Texts.quote(found.streamId())
						+ " at position " + found.position() + ", not in " + Texts.quote(streamId));
			}
			if (!found.type().equals(event.type()) || !found.data().equals(event.data())
					|| !found.metadata().equals(event.metadata())) {
				throw conflict(event.id(), "is already stored at position " + found.position()
						+ " with another type, data or metadata; a retry must send the same event");
			}
			if (stored == null) {
				stored = new ArrayList<>(events.size());
			}
			stored.add(found);
		}
		if (stored == null) {
			return null;
		}
		if (missing != null) {
			throw conflict(missing, "is not stored while other ids of the same batch are (from position "
					+ stored.get(0).position() + "): the batch overlaps a stored one only in part");
		}
		for (int i = 1; i < stored.size(); i++) {
			if (stored.get(i).position() != stored.get(i - 1).position() + 1) {
				throw conflict(events.get(i).id(), "is stored at position " + stored.get(i).position()
						+ ", not right after the batch's previous event: the batch is not one stored before");
			}
		}
		if (!expected.matches(stored.get(0).version() - 1)) {
			throw new ConcurrencyConflictException(streamId, expected, currentVersion);
		}
		return stored;
	}

	private static EventIdConflictException conflict(UUID id, String problem) {
		return new EventIdConflictException(id, "Event id " + id + " " + problem + "; nothing was stored");
	}

}
