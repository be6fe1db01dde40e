package dev.eventstore.test.app;

import java.nio.file.Path;
import java.time.Duration;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.processor.EventProcessors;

import dev.eventstore.test.app.ShopEvents.CheckedOut;
import dev.eventstore.test.app.ShopEvents.ItemAdded;

import dev.eventstore.test.CommandScenario;
import dev.eventstore.test.autoconfigure.EventStoreTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

import static dev.eventstore.test.EventStoreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@EventStoreTest
@Import(Shop.class)
class EventStoreTestSliceTests {

	@Autowired
	EventStore store;

	@Autowired
	Shop shop;

	@Autowired
	UnitsSold unitsSold;

	@Autowired
	EventProcessors processors;

	@Autowired
	ApplicationContext context;

	@Test
	void theSliceHasAnInMemoryStoreTheProcessorsAndTheImportedCodeOnly() {
		assertThat(this.store.status().journal()).isEqualTo("in-memory");
		assertThat(Path.of("target/must-not-exist")).doesNotExist();
		assertThat(this.context.getBeanNamesForType(Mailer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(UnitsSold.class)).hasSize(1);
	}

	@Test
	void aCommandsEventsReachTheProcessor() {
		CommandScenario.on(this.store)
			.given("cart-7", new ItemAdded("apple", 2), new ItemAdded("pear", 1))
			.when(() -> this.shop.checkout("7"))
			.thenAppended("cart-7", new CheckedOut(3));
		assertThat(this.processors.find("units-sold").orElseThrow()).catchesUpWithin(Duration.ofSeconds(10));
		assertThat(this.unitsSold.units()).isEqualTo(3);
		assertThat(this.store).stream("cart-7")
			.containsExactlyTypes(ItemAdded.class, ItemAdded.class, CheckedOut.class)
			.lastEvent()
			.hasPayload(new CheckedOut(3));
	}

}
