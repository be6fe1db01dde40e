package dev.eventstore;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

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

	/**
	 * What a killed claimer must leave: a consistent log holding every acknowledged
	 * claim, no slot claimed twice, and a read by each slot's query finding what a scan
	 * of the log finds.
	 * @param store the store, opened again after the kill
	 * @param acknowledged the positions of the claims the child reported
	 * @param round which kill, for the messages
	 */
	public static void assertClaimedOnceEach(EventStore store, Set<Long> acknowledged, int round) {
		List<StoredEvent> all = store.readAll(1, Integer.MAX_VALUE);
		EventLogAssertions.assertConsistentLog(all);
		Set<Long> positions = new HashSet<>();
		all.forEach((event) -> positions.add(event.position()));
		assertThat(positions).as("round %d: every acknowledged claim is there", round).containsAll(acknowledged);
		Set<String> slots = new HashSet<>();
		for (StoredEvent event : all) {
			for (String tag : event.tags()) {
				assertThat(slots.add(tag)).as("round %d: %s is claimed once", round, tag).isTrue();
			}
		}
		for (String slot : slots) {
			EventQuery query = EventQuery.of(List.of("Claimed"), List.of(slot));
			assertThat(store.read(query).events()).as("round %d: a read by query finds %s", round, slot)
				.isEqualTo(all.stream().filter(query::matches).toList());
		}
	}

}
