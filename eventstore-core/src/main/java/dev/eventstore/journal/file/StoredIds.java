package dev.eventstore.journal.file;

import java.util.Map;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

import dev.eventstore.StoredEvent;
import dev.eventstore.internal.IdTable;
import org.jspecify.annotations.Nullable;

/**
 * Finds the stored event of an id, for an append's retry check: in the group being
 * written, then the file being written's id table, then the sealed segments (through the
 * id filter where it covers them, their indexes' id tables where it says maybe or does
 * not cover them yet). A candidate position is confirmed by reading its line. Stateless.
 */
final class StoredIds {

	private StoredIds() {
	}

	/**
	 * The stored event with an id: one written earlier in this group, or one the id table
	 * points at whose line holds that very id. Called under the write lock.
	 */
	static @Nullable StoredEvent find(UUID id, Map<UUID, StoredEvent> groupIds, IdTable ids, SealedSegments sealed,
			@Nullable IdFilter sealedIds, LongFunction<StoredEvent> read) {
		StoredEvent inGroup = groupIds.get(id);
		if (inGroup != null) {
			return inGroup;
		}
		// Most ids are new: told apart by the id table and the sealed segments' filter
		// alone, without building the line reader that confirms a candidate.
		boolean inTable = ids.mayContain(id);
		long from = 1;
		if (sealed.count() > 0) {
			// Segments the filter covers are asked only when it says maybe; the others
			// always.
			if (sealedIds != null) {
				// How far it covers is read before its bits: those are set before it says
				// so.
				long covered = sealedIds.end();
				if (!sealedIds.mightContain(IdTable.fingerprint(id))) {
					from = covered;
				}
			}
		}
		boolean inSealed = sealed.count() > 0 && from <= sealed.lastPosition();
		if (!inTable && !inSealed) {
			return null;
		}
		StoredEvent[] found = new StoredEvent[1];
		LongPredicate holdsId = (position) -> {
			StoredEvent candidate = read.apply(position);
			found[0] = candidate;
			return candidate.id().equals(id);
		};
		if (inTable) {
			ids.find(id, holdsId);
			if (found[0] != null && found[0].id().equals(id)) {
				return found[0];
			}
		}
		if (inSealed) {
			sealed.findId(id, holdsId, from);
		}
		return (found[0] != null && found[0].id().equals(id)) ? found[0] : null;
	}

}
