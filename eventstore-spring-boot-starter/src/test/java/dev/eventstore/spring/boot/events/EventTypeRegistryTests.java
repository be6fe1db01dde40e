package dev.eventstore.spring.boot.events;

import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.EventType;
import dev.eventstore.NewEvent;
import dev.eventstore.spring.boot.events.scanned.ItemAdded;
import dev.eventstore.spring.boot.events.scanned.Renamed;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class EventTypeRegistryTests {

	@EventType("ItemAdded")
	record Clash(String sku) {
	}

	record Learned(int n) {
	}

	@Test
	void scanningMapsAnnotatedClassesAndRecordsByName() {
		EventTypeRegistry registry = EventTypeRegistry.scan(List.of("dev.eventstore.spring.boot.events.scanned"),
				getClass().getClassLoader());
		assertThat(registry.classFor("ItemAdded")).contains(ItemAdded.class);
		assertThat(registry.classFor("item-renamed")).contains(Renamed.class);
		assertThat(registry.classFor("Renamed")).isEmpty();
		assertThat(registry.classFor("NotAnEvent")).isEmpty();
	}

	@Test
	void recordsSharingASimpleNameAreAmbiguousUnlessAnnotated() {
		EventTypeRegistry registry = EventTypeRegistry.scan(List.of("dev.eventstore.spring.boot.events.scanned"),
				getClass().getClassLoader());
		assertThat(registry.classFor("Shared")).isEmpty();
	}

	@Test
	void registeringTwoClassesUnderOneNameFails() {
		EventTypeRegistry registry = new EventTypeRegistry().register(ItemAdded.class);
		assertThatIllegalStateException().isThrownBy(() -> registry.register(Clash.class))
			.withMessageContaining("'ItemAdded'")
			.withMessageContaining(ItemAdded.class.getName())
			.withMessageContaining(Clash.class.getName());
	}

	@Test
	void learnsFromTypedAppends() {
		EventTypeRegistry registry = new EventTypeRegistry();
		try (EventStore store = EventStore.builder().observer(registry).build()) {
			store.append("s", NewEvent.of(new Learned(1)));
			store.append("s", NewEvent.of("Untyped", Map.of()));
		}
		assertThat(registry.mappings()).containsExactly(Map.entry("Learned", Learned.class));
	}

}
