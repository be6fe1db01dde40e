package dev.eventstore.spring.boot.events;

import java.util.List;

import dev.eventstore.spring.boot.events.scanned.Renamed;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EventTypeScannerTests {

	@Test
	void registersAnnotatedClassesOnlyByTheirNamesAndAliases() {
		EventTypes types = EventTypeScanner.scan(List.of("dev.eventstore.spring.boot.events.scanned"),
				getClass().getClassLoader());
		assertThat(types.classFor("item-renamed")).contains(Renamed.class);
		assertThat(types.classFor("item-retitled")).contains(Renamed.class);
		assertThat(types.classFor("Renamed")).isEmpty();
		assertThat(types.classFor("ItemAdded")).as("a record is not an event type because it is a record").isEmpty();
		assertThat(types.classFor("Shared")).isEmpty();
		assertThat(types.classFor("NotAnEvent")).isEmpty();
	}

	@Test
	void twoAnnotatedClassesClaimingOneNameFailNamingBoth() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EventTypeScanner.scan(List.of("dev.eventstore.spring.boot.events.clash"),
					getClass().getClassLoader()))
			.withMessageContaining("'cart-opened'")
			.withMessageContaining("clash.First")
			.withMessageContaining("clash.Second");
	}

}
