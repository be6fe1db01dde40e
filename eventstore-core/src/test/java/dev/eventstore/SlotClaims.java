package dev.eventstore;

import java.util.List;
import java.util.Map;

/**
 * The decision the race and kill tests of append conditions make: claim a slot (a tag) if
 * nobody has, by reading the slot's claims and appending a claim under the condition that
 * none was stored since. Shared by the tests of every journal.
 */
public final class SlotClaims {

	private SlotClaims() {
	}

	/**
	 * Tries to claim a slot.
	 * @param store the store
	 * @param slot the slot's tag
	 * @param claimer who claims, recorded in the claim's data
	 * @return the claim's position, or 0 when the slot was claimed already or another
	 * claimer won the race
	 */
	public static long claim(EventStore store, String slot, Object claimer) {
		EventQuery query = EventQuery.of(List.of("Claimed"), List.of(slot));
		QueryResult read = store.read(query);
		if (!read.events().isEmpty()) {
			return 0;
		}
		try {
			return store
				.append("claimer-" + claimer, NewEvent.of("Claimed", Map.of("by", claimer)).withTags(slot),
						AppendCondition.failIfEventsMatch(query, read.position()))
				.position();
		}
		catch (AppendConditionFailedException lost) {
			return 0;
		}
	}

	/**
	 * Claims slots {@code slot:<round>-0}, {@code -1}, … forever, printing the position
	 * of each claim won, one a line, for the parent of a killed child JVM.
	 */
	public static void claimForever(EventStore store, String round, int claimer) {
		for (int slot = 0;; slot++) {
			long position = claim(store, "slot:" + round + "-" + slot, claimer);
			if (position > 0) {
				synchronized (System.out) {
					System.out.println(position);
					System.out.flush();
				}
			}
		}
	}

}
