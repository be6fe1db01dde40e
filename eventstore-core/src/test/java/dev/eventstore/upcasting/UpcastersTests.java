package dev.eventstore.upcasting;

import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UpcastersTests {

	@EventType(value = "ItemAdded", revision = 3)
	record ItemAdded(String sku) {
	}

	private static Upcaster step(String type, int from) {
		return Upcaster.of(type, from, (data) -> data);
	}

	@Test
	void chainsLeadFromTheFirstRevisionToTheLast() {
		Upcasters upcasters = Upcasters.of(List.of(step("A", 2), step("A", 1), step("B", 4)));
		assertThat(upcasters.latestRevision("A")).isEqualTo(3);
		assertThat(upcasters.latestRevision("B")).isEqualTo(5);
		assertThat(upcasters.latestRevision("C")).isZero();
		assertThat(upcasters.from("A", 1)).isNotNull();
		assertThat(upcasters.from("A", 3)).isNull();
	}

	@Test
	void aDuplicateStepFailsNamingBothUpcasters() {
		assertThatIllegalArgumentException().isThrownBy(() -> Upcasters.of(List.of(step("A", 1), step("A", 1))))
			.withMessageContaining("Two upcasters turn revision 1 of 'A'")
			.withMessageContaining("Upcaster['A' 1 -> 2] and Upcaster['A' 1 -> 2]");
	}

	@Test
	void aGapInAChainFailsNamingTheMissingRevision() {
		assertThatIllegalArgumentException().isThrownBy(() -> Upcasters.of(List.of(step("A", 1), step("A", 3))))
			.withMessageContaining("The upcasters of 'A' skip revision 2");
		assertThatIllegalArgumentException().isThrownBy(() -> Upcaster.of("A", 0, (data) -> data))
			.withMessageContaining("must be >= 1");
	}

	@Test
	void theStoreRefusesChainsThatDoNotLeadToTheClassRevision() {
		EventTypes types = EventTypes.of(ItemAdded.class);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EventStore.builder().eventTypes(types).upcasters(List.of(step("ItemAdded", 1))).build())
			.withMessageContaining("lead to revision 2")
			.withMessageContaining("is at revision 3");
		assertThatIllegalArgumentException().isThrownBy(() -> EventStore.builder().eventTypes(types).build())
			.withMessageContaining("no upcaster of 'ItemAdded' reads revision 2");
		try (EventStore store = EventStore.builder()
			.eventTypes(types)
			.upcasters(List.of(step("ItemAdded", 1), step("ItemAdded", 2)))
			.build()) {
			assertThat(store.lastPosition()).isZero();
		}
	}

}
