package dev.eventstore.personal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import dev.eventstore.upcasting.Upcaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Personal values through upcasters: each is sealed under the field it was stored in, so
 * an upcaster may rename or rearrange personal fields and the values still read, and read
 * as their replacements once erased.
 */
class PersonalDataUpcastingTests {

	@EventType("Registered")
	record RegisteredV1(String customerId, @PersonalData(subject = "customerId") String mail,
			@PersonalData(subject = "customerId") String phone) {
	}

	/** Revision 2 renamed {@code mail} and the subject's component. */
	@EventType(value = "Registered", revision = 2)
	record RegisteredV2(String clientId, @PersonalData(subject = "clientId", replacement = "[erased]") String email,
			@PersonalData(subject = "clientId") String phone) {
	}

	@TempDir
	Path dir;

	private EventStore open(Class<?> type, List<Upcaster> upcasters, SubjectKeyStore keys) {
		return EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(type))
			.upcasters(upcasters)
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys))
			.build();
	}

	@Test
	void anUpcasterMayRenameAndRearrangePersonalFieldsAndTheValuesStillReadAndErase() throws Exception {
		FileSubjectKeyStore keys = new FileSubjectKeyStore(this.dir.resolve("keys"));
		try (EventStore store = open(RegisteredV1.class, List.of(), keys)) {
			store.append("c-1", NewEvent.of(new RegisteredV1("c-1", "ada@example.org", "+44 1")));
			store.append("c-2", NewEvent.of(new RegisteredV1("c-2", "bob@example.org", "+44 2")));
		}
		Upcaster renaming = Upcaster.of("Registered", 1, (data) -> {
			JsonNode mail = data.remove("mail");
			data.set("email", mail);
			data.set("clientId", data.remove("customerId"));
			return data;
		});
		try (EventStore store = open(RegisteredV2.class, List.of(renaming), keys)) {
			assertThat(store.readStream("c-1").get(0).payload())
				.isEqualTo(new RegisteredV2("c-1", "ada@example.org", "+44 1"));
			assertThat(store.erasePersonalData("c-1")).isTrue();
			assertThat(store.readStream("c-1").get(0).payload()).isEqualTo(new RegisteredV2("c-1", "[erased]", null));
			assertThat(store.readStream("c-2").get(0).payload())
				.isEqualTo(new RegisteredV2("c-2", "bob@example.org", "+44 2"));
		}
		assertThat(Files.readString(this.dir.resolve("events.ndjson"))).doesNotContain("bob@example.org")
			.contains("\"mail\":\"pd1:");
	}

}
