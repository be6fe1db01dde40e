package dev.eventstore.personal;

import java.nio.file.Path;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataTests.CartCheckedOut;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event's personal fields are the event type's: a payload class of the reader's own (a
 * projection's view of the event, without {@code @PersonalData}) reads the values
 * decrypted, and their replacements once erased, like the registered class.
 */
class PersonalDataViewsTests {

	/** A projection's own view of the event: fewer components, no annotations. */
	record CheckoutView(String cartId, String name, String email) {
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

}
