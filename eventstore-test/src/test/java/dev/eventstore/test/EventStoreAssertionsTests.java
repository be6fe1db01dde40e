package dev.eventstore.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.RetryPolicy;
import dev.eventstore.test.app.ShopEvents.CheckedOut;
import dev.eventstore.test.app.ShopEvents.ItemAdded;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.eventstore.test.EventStoreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventStoreAssertionsTests {

	private final EventStore store = EventStore.builder()
		.eventTypes(EventTypes.of(ItemAdded.class, CheckedOut.class))
		.build();

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void passingAssertionsOnAStreamAndItsEvents() {
		this.store.append("cart-1", NewEvent.of(new ItemAdded("apple", 2)));
		this.store.append("cart-1", NewEvent.of("CheckedOut", Map.of("units", 2), Map.of("user", "ann")));
		assertThat(this.store).hasLastPosition(2)
			.stream("cart-1")
			.hasVersion(2)
			.containsExactlyTypes("ItemAdded", "CheckedOut")
			.containsExactlyPayloads(new ItemAdded("apple", 2), new CheckedOut(2))
			.lastEvent()
			.hasPayload(new CheckedOut(2))
			.hasType("CheckedOut")
			.isAt("cart-1", 2)
			.hasMetadataEntry("user", "ann");
		assertThat(this.store).stream("cart-2").isEmpty().hasVersion(0);
	}

	@Test
	void failingAssertionsSayWhatTheStreamHolds() {
		this.store.append("cart-1", NewEvent.of(new ItemAdded("apple", 2)));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.store).stream("cart-1").containsExactlyTypes("CheckedOut"))
			.withMessageContaining(
					"Expected stream 'cart-1' to hold events of types [CheckedOut] but it holds [ItemAdded]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.store).stream("cart-1").lastEvent().hasPayload(new ItemAdded("apple", 3)))
			.withMessageContaining(
					"to be ItemAdded[sku=apple, quantity=3] but it has payload ItemAdded[sku=apple, quantity=2]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.store).stream("cart-1").lastEvent().hasPayload(new CheckedOut(2)))
			.withMessageContaining("type 'ItemAdded', not 'CheckedOut'");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.store).stream("cart-9").lastEvent())
			.withMessageContaining("Expected stream 'cart-9' to have a last event but it is empty");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(this.store).isEmpty())
			.withMessageContaining("Expected the store's last position to be 0 but was 1");
	}

	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String email) {
	}

	@Test
	void eventsWithPersonalDataCompareByTheirDecryptedPayloads() {
		try (EventStore protectedStore = EventStore.builder()
			.eventTypes(EventTypes.of(CustomerRegistered.class))
			.personalData(
					PersonalDataProtection.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
							new InMemorySubjectKeyStore()))
			.build()) {
			protectedStore.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")));
			assertThat(protectedStore).stream("customer-1")
				.containsExactlyPayloads(NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")))
				.lastEvent()
				.hasPayload(new CustomerRegistered("c-1", "ada@example.org"));
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> assertThat(protectedStore).stream("customer-1")
					.lastEvent()
					.hasPayload(NewEvent.of(new CustomerRegistered("c-1", "bob@example.org"))))
				.withMessageContaining("but it has payload CustomerRegistered[customerId=c-1, email=ada@example.org]");
		}
	}

	@Test
	void aProcessorThatCatchesUpPassesAndOneThatFailedIsReportedWithItsStatus() {
		this.store.append("cart-1", NewEvent.of(new ItemAdded("apple", 2)));
		try (Processor fine = Processor.builder("fine", this.store, (event, delivery) -> {
		}).build().start(); Processor broken = Processor.builder("broken", this.store, (event, delivery) -> {
			throw new IllegalStateException("no");
		}).retry(RetryPolicy.none()).build().start()) {
			assertThat(fine).catchesUpWithin(Duration.ofSeconds(10));
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> broken.status().state() == ProcessorState.FAILED);
			assertThat(broken).hasFailedAt(1);
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> assertThat(broken).catchesUpWithin(Duration.ofMillis(50)))
				.withMessageContaining("Expected processor 'broken' to reach position 1 within PT0.05S but it is")
				.withMessageContaining("FAILED");
		}
	}

	@Test
	void aScenarioChecksExactlyWhatTheCommandAppended() {
		CommandScenario.on(this.store)
			.given("cart-1", new ItemAdded("apple", 2))
			.when(() -> this.store.append("cart-1", NewEvent.of(new CheckedOut(2))))
			.thenAppended("cart-1", new CheckedOut(2));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> CommandScenario.on(this.store)
				.when(() -> this.store.append("cart-2", NewEvent.of(new CheckedOut(1))))
				.thenAppended("cart-2", new CheckedOut(2)))
			.withMessageContaining("Expected appended event 1 to be CheckedOut[units=2] in 'cart-2' but it has payload "
					+ "CheckedOut[units=1]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> CommandScenario.on(this.store)
				.when(() -> this.store.append("cart-3", NewEvent.of(new CheckedOut(1))))
				.thenNothingAppended())
			.withMessageContaining("Expected the command to append nothing but it appended [cart-3@1");
	}

	/**
	 * An expected {@code NewEvent}'s tags (its consistency boundary) and, when it gives
	 * them, its metadata are part of what is checked: a command that forgets a tag fails
	 * its test. A plain payload expects nothing of either.
	 */
	@Test
	void anExpectedNewEventsTagsAndMetadataAreCheckedToo() {
		NewEvent tagged = NewEvent.of(new CheckedOut(2)).withMetadata(Map.of("by", "alice")).withTags("customer:7");
		CommandScenario.on(this.store)
			.when(() -> this.store.append("cart-5", tagged))
			.thenAppended("cart-5", NewEvent.of(new CheckedOut(2)).withTags("customer:7"))
			.thenAppended("cart-5",
					NewEvent.of(new CheckedOut(2)).withMetadata(Map.of("by", "alice")).withTags("customer:7"))
			.thenAppended("cart-5", new CheckedOut(2));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> CommandScenario.on(this.store)
				.when(() -> this.store.append("cart-6", NewEvent.of(new CheckedOut(2))))
				.thenAppended("cart-6", NewEvent.of(new CheckedOut(2)).withTags("customer:7")))
			.withMessageContaining("but it has tags [], not [customer:7]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> CommandScenario.on(this.store)
				.when(() -> this.store.append("cart-7",
						NewEvent.of(new CheckedOut(2)).withMetadata(Map.of("by", "alice")).withTags("customer:7")))
				.thenAppended("cart-7",
						NewEvent.of(new CheckedOut(2)).withMetadata(Map.of("by", "bob")).withTags("customer:7")))
			.withMessageContaining("but it has metadata {by=alice}");
		this.store.append("cart-8", NewEvent.of(new ItemAdded("pear", 1)).withTags("sku:pear"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> EventStoreAssertions.assertThat(this.store)
				.stream("cart-8")
				.containsExactlyPayloads(NewEvent.of(new ItemAdded("pear", 1)).withTags("sku:apple")))
			.withMessageContaining("tags [sku:pear], not [sku:apple]");
	}

	@Test
	void aFailingCommandMustAppendNothing() {
		CommandScenario.on(this.store).when(() -> {
			throw new IllegalStateException("Cart is empty");
		}).thenFailsWith(IllegalStateException.class).hasMessage("Cart is empty");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> CommandScenario.on(this.store).when(() -> {
			this.store.append("cart-4", NewEvent.of(new CheckedOut(1)));
			throw new IllegalStateException("half done");
		}).thenFailsWith(IllegalStateException.class)).withMessageContaining("Expected the command to append nothing");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> CommandScenario.on(this.store).when(() -> {
		}).thenFailsWith(IllegalStateException.class))
			.withMessageContaining("Expected the command to throw java.lang.IllegalStateException but it returned");
	}

}
