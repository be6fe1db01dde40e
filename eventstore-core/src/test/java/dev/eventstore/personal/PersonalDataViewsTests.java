package dev.eventstore.personal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonAlias;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataTests.CartCheckedOut;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An event's personal fields are the event type's: a payload class of the reader's own (a
 * projection's view of the event, without {@code @PersonalData}) reads the values
 * decrypted, and their replacements once erased, like the registered class; a view that
 * reads none of them decrypts nothing.
 */
class PersonalDataViewsTests {

	/** A projection's own view of the event: fewer components, no annotations. */
	record CheckoutView(String cartId, String name, String email) {
	}

	/** A projection's view of what was sold: no personal value in it. */
	record SoldView(String cartId, String customerId) {
	}

	/** A view that reads a personal value under a name of its own. */
	record AliasedView(String cartId, @JsonAlias("email") String contact) {
	}

	@TempDir
	Path dir;

	@Test
	void aViewOfTheEventWithoutAnnotationsReadsTheValuesAndTheirReplacementsOnceErased() {
		try (EventStore store = EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new InMemorySubjectKeyStore()))
			.build()) {
			store.append("cart-1", NewEvent.of(new CartCheckedOut("cart-1", "c-1", "Ada", "ada@example.org")));
			StoredEvent event = store.readStream("cart-1").get(0);

			assertThat(event.payload(CheckoutView.class))
				.isEqualTo(new CheckoutView("cart-1", "Ada", "ada@example.org"));
			assertThat(event.dataAs(CheckoutView.class))
				.isEqualTo(new CheckoutView("cart-1", "Ada", "ada@example.org"));
			assertThat((String) event.data().get("email")).startsWith(PersonalDataProtection.ENVELOPE_PREFIX);

			store.erasePersonalData("c-1");
			assertThat(store.readStream("cart-1").get(0).payload(CheckoutView.class))
				.isEqualTo(new CheckoutView("cart-1", null, "[erased]"));
			assertThat(event.payload(CheckoutView.class)).as("the view read before the erasure, read again")
				.isEqualTo(new CheckoutView("cart-1", null, "[erased]"));
		}
	}

	@Test
	void aViewThatReadsNoPersonalValueDecryptsNothingAndReadsEvenWhenItsSubjectsKeyIsDamaged() throws IOException {
		Path keys = this.dir.resolve("keys");
		try (EventStore store = open(keys)) {
			store.append("cart-1", NewEvent.of(new CartCheckedOut("cart-1", "c-1", "Ada", "ada@example.org")));
		}
		String subject = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new InMemorySubjectKeyStore())
			.subjectReference("c-1");
		Path keyFile = keys.resolve(subject.substring(0, 2)).resolve(subject + ".key");
		byte[] key = Files.readAllBytes(keyFile);
		key[20] ^= 1;
		Files.write(keyFile, key);
		try (EventStore store = open(keys)) {
			StoredEvent event = store.readStream("cart-1").get(0);

			assertThat(event.payload(SoldView.class)).isEqualTo(new SoldView("cart-1", "c-1"));
			assertThat(event.redaction().apply("Ada, ada@example.org")).as("nothing was decrypted")
				.isEqualTo("Ada, ada@example.org");
			assertThatExceptionOfType(EventStoreException.class).as("a class that reads the values")
				.isThrownBy(() -> event.payload(AliasedView.class))
				.withMessageContaining("is damaged");
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(event::payload)
				.withMessageContaining("is damaged");
		}
	}

	@Test
	void aViewThatReadsAPersonalValueUnderAnAliasReadsItDecrypted() {
		try (EventStore store = open(this.dir.resolve("keys"))) {
			store.append("cart-1", NewEvent.of(new CartCheckedOut("cart-1", "c-1", "Ada", "ada@example.org")));

			assertThat(store.readStream("cart-1").get(0).payload(AliasedView.class))
				.isEqualTo(new AliasedView("cart-1", "ada@example.org"));
			assertThat(store.readStream("cart-1").get(0).payload(SoldView.class))
				.isEqualTo(new SoldView("cart-1", "c-1"));
		}
	}

	private EventStore open(Path keys) {
		return EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new FileSubjectKeyStore(keys)))
			.build();
	}

}
