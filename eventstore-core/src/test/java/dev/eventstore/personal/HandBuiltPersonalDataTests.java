package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.PersonalDataTests.CartCheckedOut;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Data built by hand (a map, or JSON) for a type whose class has personal components is
 * sealed like a payload of the class: never stored in plain text, and erased with its
 * subject.
 */
class HandBuiltPersonalDataTests {

	@TempDir
	Path dir;

	private EventStore open() {
		return EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
					new FileSubjectKeyStore(this.dir.resolve("keys"))))
			.build();
	}

	private String journal() throws Exception {
		return Files.readString(this.dir.resolve("events.ndjson"));
	}

	@Test
	void aMapOrJsonOfAPersonalTypeIsSealedAndErasedWithItsSubject() throws Exception {
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of("CartCheckedOut",
					Map.of("cartId", "cart-1", "customerId", "c-1", "name", "Ada Map", "email", "ada@map.example")));
			store.append("cart-2", NewEvent.ofJson("CartCheckedOut", """
					{"cartId":"cart-2","customerId":42,"name":"Bob Json","email":null}"""
				.getBytes(StandardCharsets.UTF_8), null));
			store.append("note", NewEvent.of("Noted", Map.of("name", "Not personal")));

			assertThat(journal()).doesNotContain("Ada Map", "ada@map.example", "Bob Json").contains("Not personal");
			assertThat(store.readStream("cart-1").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-1", "c-1", "Ada Map", "ada@map.example"));
			assertThat(store.readStream("cart-2").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-2", "42", "Bob Json", null));

			assertThat(store.erasePersonalData("c-1")).isTrue();
			assertThat(store.erasePersonalData("42")).isTrue();
			assertThat(store.readStream("cart-1").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-1", "c-1", null, "[erased]"));
			assertThat(store.readStream("cart-2").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-2", "42", null, null));
		}
	}

	@Test
	void aPersonalValueBuiltByHandWithoutItsSubjectIsRefusedAndNothingIsWritten() throws Exception {
		try (EventStore store = open()) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("cart-1",
						NewEvent.of("CartCheckedOut", Map.of("cartId", "cart-1", "name", "Ada"))))
				.withMessageContaining("'name'")
				.withMessageContaining(CartCheckedOut.class.getName())
				.withMessageContaining("no subject id ('customerId' is missing or null)");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("cart-1",
						NewEvent.of("CartCheckedOut",
								Map.of("cartId", "cart-1", "customerId", Map.of("id", 1), "name", "Ada"))))
				.withMessageContaining("neither text nor a whole number");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("cart-1",
						NewEvent.of("CartCheckedOut", Map.of("cartId", "cart-1", "customerId", "c-1", "name", "Ada"))
							.withRevision(2)))
				.withMessageContaining("revision 2")
				.withMessageContaining("of revision 1");
			assertThat(store.lastPosition()).isZero();
			assertThat(journal()).doesNotContain("Ada");
		}
	}

}
