package dev.eventstore.personal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Personal values are sealed in the serializer's own pass and opened by swapping the
 * envelopes' bytes in the stored JSON: values of every shape come back exactly, a mapper
 * that writes a class its own way still gets its values encrypted, one that would rename
 * a personal component is refused, and a value decrypted once is served again only until
 * an erasure.
 */
class PersonalDataEncodingTests {

	static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	record Address(String street, List<String> lines) {
	}

	/** The subject after its values, a number; values of several shapes. */
	@EventType("Registered")
	record Registered(@PersonalData(subject = "memberNo") String name,
			@PersonalData(subject = "memberNo", replacement = "-1") int age,
			@PersonalData(subject = "memberNo") Address address,
			@PersonalData(subject = "memberNo") List<String> phones, String note, long memberNo) {
	}

	@EventType("Scored")
	record Scored(String customerId, @PersonalData(subject = "customerId") double score) {
	}

	@EventType("Flagged")
	record Flagged(String customerId, @PersonalData(subject = "customerId") boolean vip,
			@PersonalData(subject = "customerId") char initial) {
	}

	record MisReplaced(String customerId, @PersonalData(subject = "customerId", replacement = "[erased]") int age) {
	}

	@EventType("Named")
	record Named(String customerId, @PersonalData(subject = "customerId") String fullName) {
	}

	@TempDir
	Path dir;

	private EventStore open(EventStore.Builder builder) {
		return builder.persistPath(this.dir.resolve("events.ndjson"))
			.fsync(FsyncPolicy.NEVER)
			.eventTypes(EventTypes.of(Registered.class, Scored.class, Named.class, Flagged.class))
			.personalData(PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(this.dir.resolve("keys"))))
			.build();
	}

	private String journal() throws IOException {
		return Files.readString(this.dir.resolve("events.ndjson"));
	}

	private static Registered registered(long memberNo) {
		return new Registered("Zoë \"Zed\" O'Neill\n\u00e9\u4e2d", 41,
				new Address("1 Quay St", List.of("Flat 2", "\\back\\slash")), List.of("+44 1", "+44 2"),
				"note " + memberNo, memberNo);
	}

	@Test
	void valuesOfEveryShapeReadBackExactlyWhereverTheirSubjectStands() throws IOException {
		try (EventStore store = open(EventStore.builder())) {
			for (long member = 1; member <= 3; member++) {
				store.append("member-" + member, NewEvent.of(registered(member)));
			}
			for (long member = 1; member <= 3; member++) {
				assertThat(store.readStream("member-" + member).get(0).payload()).isEqualTo(registered(member));
			}
			// Values with a space or a quote, which base64 (the envelopes) never holds.
			assertThat(journal()).doesNotContain("Zo\u00eb \\\"Zed", "1 Quay St", "+44 1", "Flat 2", "O'Neill")
				.contains("note 2");
			assertThat(store.erasePersonalData("2")).isTrue();
			assertThat(store.readStream("member-2").get(0).payload())
				.isEqualTo(new Registered(null, -1, null, null, "note 2", 2));
			assertThat(store.readStream("member-3").get(0).payload()).isEqualTo(registered(3));
		}
		try (EventStore store = open(EventStore.builder())) {
			assertThat(store.readStream("member-1").get(0).payload()).isEqualTo(registered(1));
			assertThat(store.readStream("member-2").get(0).payload())
				.isEqualTo(new Registered(null, -1, null, null, "note 2", 2));
		}
	}

	@Test
	void aMapperThatWritesTheClassItsOwnWayStillHasItsValuesEncrypted() throws IOException {
		ValueSerializer<Named> byHand = new ValueSerializer<>() {
			@Override
			public void serialize(Named value, JsonGenerator gen, SerializationContext ctxt) {
				gen.writeStartObject();
				gen.writeStringProperty("customerId", value.customerId());
				gen.writeStringProperty("fullName", value.fullName());
				gen.writeEndObject();
			}
		};
		JsonMapper mapper = JsonMapper.builder()
			.addModule(new SimpleModule("by-hand").addSerializer(Named.class, byHand))
			.build();
		try (EventStore store = open(EventStore.builder().serializer(new JacksonEventSerializer(mapper)))) {
			StoredEvent stored = store.append("n", NewEvent.of(new Named("c-1", "Ada Lovelace")));
			assertThat((String) stored.data().get("fullName")).startsWith(PersonalDataProtection.ENVELOPE_PREFIX);
			assertThat(store.readStream("n").get(0).payload()).isEqualTo(new Named("c-1", "Ada Lovelace"));
		}
		assertThat(journal()).doesNotContain("Ada Lovelace");
	}

	@Test
	void aNamingStrategyThatRenamesAPersonalComponentIsRefusedAndNothingWritten() throws IOException {
		JsonMapper snake = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
		try (EventStore store = open(EventStore.builder().serializer(new JacksonEventSerializer(snake)))) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("n", NewEvent.of(new Named("c-1", "Ada Lovelace"))))
				.withMessageContaining("'fullName'")
				.withMessageContaining(Named.class.getName())
				.withMessageContaining("full_name");
			assertThat(store.lastPosition()).isZero();
		}
		assertThat(journal()).doesNotContain("Ada Lovelace");
	}

	@Test
	void aPersonalNumberThatIsNotFiniteIsRefusedAndNothingWritten() {
		try (EventStore store = open(EventStore.builder())) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("s", NewEvent.of(new Scored("c-1", Double.NaN))))
				.withMessageContaining("'score'")
				.withMessageContaining("not a finite number");
			assertThat(store.lastPosition()).isZero();
			store.append("s", NewEvent.of(new Scored("c-1", 2.5)));
			assertThat(store.readStream("s").get(0).payload()).isEqualTo(new Scored("c-1", 2.5));
		}
	}

	@Test
	void anErasedPrimitiveWithoutAReplacementReadsAsItsZero() {
		try (EventStore store = open(EventStore.builder())) {
			store.append("s", NewEvent.of(new Scored("c-1", 2.5)));
			store.append("f", NewEvent.of(new Flagged("c-1", true, 'Z')));
			assertThat(store.erasePersonalData("c-1")).isTrue();
			assertThat(store.readStream("s").get(0).payload()).isEqualTo(new Scored("c-1", 0.0));
			assertThat(store.readStream("f").get(0).payload()).isEqualTo(new Flagged("c-1", false, '\0'));
		}
	}

	@Test
	void aPrimitivesReplacementThatDoesNotReadAsItsTypeIsRefusedBeforeAnythingIsWritten() {
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(new MisReplaced("c-1", 41)))
			.withMessageContaining("replacement = \"[erased]\"")
			.withMessageContaining("'age'")
			.withMessageContaining(MisReplaced.class.getName())
			.withMessageContaining("int");
	}

	@Test
	void theSealingWritersRefuseToWriteAPersonalValueOutsideAnAppend() {
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore());
		JacksonEventSerializer plain = JacksonEventSerializer.defaults();
		JacksonEventSerializer sealing = plain
			.withModule(new SimpleModule("sealing").setSerializerModifier(new EnvelopeWriters(protection, plain)));
		assertThatIllegalArgumentException().isThrownBy(() -> sealing.serialize(new Named("c-1", "Ada Lovelace")))
			.withMessageContaining(Named.class.getName())
			.withMessageContaining("only encrypted");
		assertThat(new String(sealing.serialize(new Named("c-1", null)), StandardCharsets.UTF_8))
			.isEqualTo("{\"customerId\":\"c-1\",\"fullName\":null}");
	}

	@Test
	void aDamagedKeyIdInAnEnvelopeNeitherHidesTheValueNorAnyDamageToIt() {
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore());
		PersonalFields fields = PersonalFields.of(Named.class);
		UUID id = UUID.randomUUID();
		String json = new String(
				protection.encrypt(new Named("c-1", "Ada Lovelace"), fields, id, JacksonEventSerializer.defaults()),
				StandardCharsets.UTF_8);
		int envelope = json.indexOf(PersonalDataProtection.ENVELOPE_PREFIX)
				+ PersonalDataProtection.ENVELOPE_PREFIX.length();
		// The key's id is the base64's first 11 characters; the IV and ciphertext follow.
		String idDamaged = json.substring(0, envelope) + flip(json.charAt(envelope)) + json.substring(envelope + 1);
		assertThat(new String(protection.decrypt(idDamaged.getBytes(StandardCharsets.UTF_8), fields, id),
				StandardCharsets.UTF_8))
			.isEqualTo("{\"customerId\":\"c-1\",\"fullName\":\"Ada Lovelace\"}");
		int ciphertext = envelope + 30;
		String bothDamaged = idDamaged.substring(0, ciphertext) + flip(idDamaged.charAt(ciphertext))
				+ idDamaged.substring(ciphertext + 1);
		assertThat(new String(protection.decrypt(bothDamaged.getBytes(StandardCharsets.UTF_8), fields, id),
				StandardCharsets.UTF_8))
			.as("read as sealed under a destroyed key: its replacement")
			.isEqualTo("{\"customerId\":\"c-1\",\"fullName\":null}");
		String valueDamaged = json.substring(0, ciphertext) + flip(json.charAt(ciphertext))
				+ json.substring(ciphertext + 1);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> protection.decrypt(valueDamaged.getBytes(StandardCharsets.UTF_8), fields, id))
			.withMessageContaining("authentication tag does not match");
	}

	private static char flip(char base64) {
		return (base64 == 'A') ? 'B' : 'A';
	}

	@Test
	void anEnvelopeWrittenWithEscapesOpensAsTheStoreWroteIt() {
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore());
		PersonalFields fields = PersonalFields.of(Named.class);
		UUID id = UUID.randomUUID();
		byte[] stored = protection.encrypt(new Named("c-1", "Ada \"A\" L."), fields, id,
				JacksonEventSerializer.defaults());
		String json = new String(stored, StandardCharsets.UTF_8);
		String escaped = json.replace("\"pd1:", "\"\\u0070d1:");
		assertThat(escaped).isNotEqualTo(json);
		String plain = "{\"customerId\":\"c-1\",\"fullName\":\"Ada \\\"A\\\" L.\"}";
		assertThat(new String(protection.decrypt(stored, fields, id), StandardCharsets.UTF_8)).isEqualTo(plain);
		assertThat(new String(protection.decrypt(escaped.getBytes(StandardCharsets.UTF_8), fields, id),
				StandardCharsets.UTF_8))
			.isEqualTo(plain);
	}

	@Test
	void anEventReadBeforeAnErasureReadsTheReplacementAfterIt() {
		try (EventStore store = open(EventStore.builder())) {
			store.append("n", NewEvent.of(new Named("c-1", "Ada Lovelace")));
			StoredEvent held = store.readStream("n").get(0);
			assertThat(held.payload(Named.class).fullName()).isEqualTo("Ada Lovelace");
			assertThat(store.readStream("n").get(0).payload(Named.class).fullName()).isEqualTo("Ada Lovelace");
			store.erasePersonalData("c-1");
			assertThat(held.payload(Named.class)).isEqualTo(new Named("c-1", null));
			assertThat(store.readStream("n").get(0).payload(Named.class)).isEqualTo(new Named("c-1", null));
		}
	}

	@Test
	void noReadThatStartsAfterAnErasureReturnedSeesTheValue() throws Exception {
		try (EventStore store = open(EventStore.builder())) {
			for (int i = 0; i < 50; i++) {
				store.append("n-" + i, NewEvent.of(new Named("c-" + (i % 2), "Name " + i)));
			}
			AtomicBoolean erased = new AtomicBoolean();
			AtomicBoolean stop = new AtomicBoolean();
			AtomicInteger readsAfter = new AtomicInteger();
			AtomicReference<String> leak = new AtomicReference<>();
			CountDownLatch reading = new CountDownLatch(2);
			List<Thread> readers = new ArrayList<>();
			for (int t = 0; t < 2; t++) {
				Thread reader = new Thread(() -> {
					reading.countDown();
					while (!stop.get()) {
						for (int i = 0; i < 50; i += 2) {
							boolean after = erased.get();
							Named read = store.readStream("n-" + i).get(0).payload(Named.class);
							if (after) {
								readsAfter.incrementAndGet();
								if (read.fullName() != null) {
									leak.compareAndSet(null, read.fullName());
								}
							}
						}
					}
				});
				reader.start();
				readers.add(reader);
			}
			reading.await();
			Thread.sleep(50);
			store.erasePersonalData("c-0");
			erased.set(true);
			await().until(() -> readsAfter.get() >= 2_000 || readers.stream().noneMatch(Thread::isAlive));
			stop.set(true);
			for (Thread reader : readers) {
				reader.join();
			}
			assertThat(readsAfter.get()).as("reads after the erasure").isGreaterThanOrEqualTo(2_000);
			assertThat(leak.get()).as("a value read after the erasure returned").isNull();
			assertThat(store.readStream("n-1").get(0).payload(Named.class).fullName()).isEqualTo("Name 1");
		}
	}

}
