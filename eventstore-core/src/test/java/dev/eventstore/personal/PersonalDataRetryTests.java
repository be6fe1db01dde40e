package dev.eventstore.personal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.AppendResult;
import dev.eventstore.EventIdConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.personal.PersonalDataTests.CartCheckedOut;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Idempotent appends of events holding personal data: a retry is sealed again under new
 * random IVs, so its stored form differs from the first try's; it is still answered as
 * the retry it is, and an event that only reuses an id is still refused.
 */
class PersonalDataRetryTests {

	@TempDir
	Path dir;

	private EventStore open(boolean file) {
		EventStore.Builder builder = EventStore.builder()
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
					new FileSubjectKeyStore(this.dir.resolve("keys"))));
		return file ? builder.persistPath(this.dir.resolve("events.ndjson")).build()
				: builder.journal(new InMemoryJournal()).build();
	}

	private static NewEvent checkout(String cart, String name) {
		return NewEvent.of(new CartCheckedOut(cart, "c-1", name, name + "@example.org")).withId(UUID.randomUUID());
	}

	@ParameterizedTest(name = "file journal: {0}")
	@ValueSource(booleans = { true, false })
	void aRetryOfAnAppendWithPersonalDataIsAnsweredWithTheStoredEventsAndWritesNothing(boolean file) {
		try (EventStore store = open(file)) {
			NewEvent single = checkout("cart-1", "Ada");
			List<NewEvent> batch = List.of(checkout("cart-2", "Bob"), checkout("cart-2", "Bob B"));
			AppendResult first = store.appendBatch("cart-1", List.of(single), ExpectedVersion.noStream());
			AppendResult firstBatch = store.appendBatch("cart-2", batch, ExpectedVersion.noStream());
			store.append("cart-3", checkout("cart-3", "Cy"));

			AppendResult retried = store.appendBatch("cart-1", List.of(single), ExpectedVersion.noStream());
			AppendResult retriedBatch = store.appendBatch("cart-2", batch, ExpectedVersion.noStream());

			assertThat(retried.isDuplicate()).isTrue();
			assertThat(retried).extracting(StoredEvent::position).containsExactly(first.get(0).position());
			assertThat(retriedBatch.isDuplicate()).isTrue();
			assertThat(retriedBatch).extracting(StoredEvent::position)
				.containsExactlyElementsOf(firstBatch.stream().map(StoredEvent::position).toList());
			assertThat(store.lastPosition()).as("nothing written by the retries").isEqualTo(4);
			assertThat(retriedBatch.get(1).payload())
				.isEqualTo(new CartCheckedOut("cart-2", "c-1", "Bob B", "Bob B@example.org"));

			NewEvent byHand = NewEvent
				.of("CartCheckedOut", Map.of("cartId", "cart-4", "customerId", "c-1", "name", "Di", "email", "d@e"))
				.withId(UUID.randomUUID());
			long position = store.append("cart-4", byHand).position();
			AppendResult retriedByHand = store.appendBatch("cart-4", List.of(byHand), ExpectedVersion.any());
			assertThat(retriedByHand.isDuplicate()).as("data built by hand, sealed again").isTrue();
			assertThat(retriedByHand.get(0).position()).isEqualTo(position);
			assertThat(store.lastPosition()).isEqualTo(5);
		}
	}

	@ParameterizedTest(name = "file journal: {0}")
	@ValueSource(booleans = { true, false })
	void anEventThatOnlyReusesAnIdIsStillRefused(boolean file) {
		try (EventStore store = open(file)) {
			NewEvent first = checkout("cart-1", "Ada");
			store.append("cart-1", first, ExpectedVersion.noStream());
			NewEvent otherValue = NewEvent.of(new CartCheckedOut("cart-1", "c-1", "Eve", "eve@example.org"))
				.withId(first.id());
			assertThatExceptionOfType(EventIdConflictException.class)
				.isThrownBy(() -> store.append("cart-1", otherValue, ExpectedVersion.noStream()))
				.withMessageContaining("a retry must send the same event");
			assertThatExceptionOfType(EventIdConflictException.class)
				.isThrownBy(() -> store.append("cart-9", first, ExpectedVersion.noStream()))
				.withMessageContaining("already stored in stream 'cart-1'");
			assertThat(store.lastPosition()).isEqualTo(1);
			assertThat(store.readStream("cart-1").get(0).payload(CartCheckedOut.class).name()).isEqualTo("Ada");
		}
	}

	@ParameterizedTest(name = "file journal: {0}")
	@ValueSource(booleans = { true, false })
	void aRetryAfterItsSubjectWasErasedIsAnsweredAsTheRetryItIsAndStoresNoValueAgain(boolean file) {
		try (EventStore store = open(file)) {
			NewEvent first = checkout("cart-1", "Ada");
			long position = store.append("cart-1", first).position();
			assertThat(store.erasePersonalData("c-1")).isTrue();

			AppendResult retried = store.appendBatch("cart-1", List.of(first), ExpectedVersion.any());

			assertThat(retried.isDuplicate()).isTrue();
			assertThat(retried.get(0).position()).isEqualTo(position);
			assertThat(store.lastPosition()).as("the erasure's event, and nothing since").isEqualTo(2);
			assertThat(store.readStream("cart-1").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-1", "c-1", null, "[erased]"));
			NewEvent reusingTheId = NewEvent.of(new CartCheckedOut("cart-9", "c-1", "Ada", "Ada@example.org"))
				.withId(first.id());
			assertThatExceptionOfType(EventIdConflictException.class)
				.isThrownBy(() -> store.append("cart-1", reusingTheId));
		}
	}

}
