package dev.eventstore.personal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.snapshot.Snapshotting;
import dev.eventstore.types.EventTag;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Personal data is encrypted from the first byte, read back transparently, and erased by
 * destroying its subject's key: the journal is never rewritten.
 */
class PersonalDataTests {

	static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	@EventType("CartCheckedOut")
	record CartCheckedOut(String cartId, String customerId, @PersonalData(subject = "customerId") String name,
			@PersonalData(subject = "customerId", replacement = "[erased]") String email) {
	}

	@EventType("TransferMade")
	record TransferMade(String payerId, @PersonalData(subject = "payerId") String payerName, String payeeId,
			@PersonalData(subject = "payeeId") String payeeName, long cents) {
	}

	@EventType("Profiled")
	record Profiled(String customerId, @PersonalData(subject = "customerId", replacement = "0") int score,
			@PersonalData(subject = "customerId") LocalDate born) {
	}

	record Misnamed(String customerId, @PersonalData(subject = "customer") String name) {
	}

	record TaggedName(String customerId, @EventTag @PersonalData(subject = "customerId") String name) {
	}

	record Inner(String id, @PersonalData(subject = "id") String name) {
	}

	record Nested(String cartId, List<Inner> people) {
	}

	record SubjectIsPersonal(@PersonalData(subject = "name") String id, @PersonalData(subject = "id") String name) {
	}

	record CustomerId(String value) {
	}

	/** A value object as the subject's id: its JSON is an object, its text a record's. */
	record ByValueObject(CustomerId customerId, @PersonalData(subject = "customerId") String name) {
	}

	record ByScore(double customerId, @PersonalData(subject = "customerId") String name) {
	}

	record CustomerState(String customerId, @PersonalData(subject = "customerId") String name, int checkouts) {
	}

	/** A state that forgot to mark the name it keeps as personal. */
	record UnmarkedCustomerState(String customerId, List<String> names, int checkouts) {
	}

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("data").resolve("events.ndjson");
	}

	private Path keys() {
		return this.dir.resolve("data").resolve("keys");
	}

	private EventStore open() {
		return open(MASTER_KEY);
	}

	private EventStore open(byte[] masterKey) {
		return EventStore.builder()
			.persistPath(journal())
			.fsync(FsyncPolicy.ALWAYS)
			.eventTypes(EventTypes.of(CartCheckedOut.class, TransferMade.class, Profiled.class))
			.personalData(PersonalDataProtection.of(masterKey, new FileSubjectKeyStore(keys())))
			.build();
	}

	private static CartCheckedOut checkout(int i) {
		return new CartCheckedOut("cart-" + i, "customer-" + (i % 3), "Name Of Customer" + (i % 3),
				"customer" + (i % 3) + "@example.org");
	}

	/** Every file under the data directory, whole. */
	private List<String> everyFile() throws IOException {
		List<String> contents = new ArrayList<>();
		try (Stream<Path> files = Files.walk(this.dir.resolve("data"))) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
			}
		}
		return contents;
	}

	private void assertNowhereOnDisk(String... values) throws IOException {
		List<String> files = everyFile();
		assertThat(files).isNotEmpty();
		for (String value : values) {
			assertThat(files).as("no file under the data directory holds '%s'", value)
				.noneMatch((content) -> content.contains(value));
		}
	}

	@Test
	void personalValuesAreStoredEncryptedAndReadBackAsTheyWere() throws IOException {
		try (EventStore store = open()) {
			for (int i = 0; i < 9; i++) {
				store.append("cart-" + i, NewEvent.of(checkout(i)));
			}
			assertThat(store.readAll(1, 100)).extracting((event) -> event.payload(CartCheckedOut.class))
				.containsExactlyElementsOf(
						java.util.stream.IntStream.range(0, 9).mapToObj((i) -> checkout(i)).toList());
			StoredEvent first = store.readStream("cart-0").get(0);
			assertThat(first.payload()).isEqualTo(checkout(0));
			assertThat((String) first.data().get("name")).startsWith(PersonalDataProtection.ENVELOPE_PREFIX);
			assertThat((String) first.data().get("email")).startsWith(PersonalDataProtection.ENVELOPE_PREFIX);
			assertThat(first.data()).containsEntry("customerId", "customer-0").containsEntry("cartId", "cart-0");
		}
		assertNowhereOnDisk("Name Of Customer0", "Name Of Customer1", "customer2@example.org", "@example.org");
		try (EventStore store = open()) {
			assertThat(store.readStream("cart-4").get(0).payload()).isEqualTo(checkout(4));
		}
	}

	@Test
	void erasingASubjectGivesTheReplacementsEverywhereAndChangesNoStoredByte() throws IOException {
		List<StoredEvent> delivered = new CopyOnWriteArrayList<>();
		byte[] before;
		try (EventStore store = open()) {
			for (int i = 0; i < 9; i++) {
				store.append("cart-" + i, NewEvent.of(checkout(i)));
			}
			// Read once before, so that the journal's decoded-events cache holds them.
			store.readAll(1, 100).forEach((event) -> event.payload(CartCheckedOut.class));
			before = Files.readAllBytes(journal());
			assertThat(store.erasePersonalData("customer-1")).isTrue();
			byte[] after = Files.readAllBytes(journal());
			assertThat(new String(after, StandardCharsets.UTF_8))
				.startsWith(new String(before, StandardCharsets.UTF_8));
			String added = new String(after, before.length, after.length - before.length, StandardCharsets.UTF_8);
			assertThat(added.lines()).singleElement()
				.satisfies((line) -> assertThat(line).contains("\"PersonalDataErased\"")
					.contains(PersonalDataErased.STREAM)
					.doesNotContain("customer-1"));
			assertErased(store);
			Subscription subscription = store.subscribe(1, delivered::add);
			await().until(() -> delivered.size() == 10);
			subscription.close();
			assertThat(delivered.stream().filter((event) -> event.type().equals("CartCheckedOut")))
				.extracting((event) -> event.payload(CartCheckedOut.class))
				.filteredOn((checkout) -> checkout.customerId().equals("customer-1"))
				.hasSize(3)
				.allSatisfy((checkout) -> assertThat(checkout.name()).isNull());
			StoredEvent erasure = store.readStream(PersonalDataErased.STREAM).get(0);
			PersonalDataErased erased = erasure.payload(PersonalDataErased.class);
			assertThat(erased.subject()).hasSize(64)
				.isEqualTo(PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore())
					.subjectReference("customer-1"));
			assertThat(store.erasePersonalData("customer-1")).as("already erased: a no-op").isFalse();
			assertThat(store.erasePersonalData("nobody")).as("unknown: a no-op").isFalse();
			assertThat(store.lastPosition()).as("no-ops append nothing").isEqualTo(10);
		}
		assertNowhereOnDisk("Name Of Customer1", "customer1@example.org", "Name Of Customer0");
		try (EventStore store = open()) {
			assertErased(store);
		}
	}

	private static void assertErased(EventStore store) {
		for (StoredEvent event : store.readAll(1, 9)) {
			CartCheckedOut read = event.payload(CartCheckedOut.class);
			CartCheckedOut original = checkout((int) event.position() - 1);
			if (original.customerId().equals("customer-1")) {
				assertThat(read.name()).isNull();
				assertThat(read.email()).isEqualTo("[erased]");
				assertThat(read.cartId()).isEqualTo(original.cartId());
			}
			else {
				assertThat(read).isEqualTo(original);
			}
		}
	}

	@Test
	void aSubjectWhoComesBackAfterAnErasureGetsANewKeyAndTheirEarlierValuesStayErased() {
		CartCheckedOut before = new CartCheckedOut("cart-1", "c-1", "Ada", "ada@example.org");
		CartCheckedOut after = new CartCheckedOut("cart-2", "c-1", "Ada Again", "ada.again@example.org");
		CartCheckedOut erased = new CartCheckedOut("cart-1", "c-1", null, "[erased]");
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of(before));
			assertThat(store.erasePersonalData("c-1")).isTrue();
			store.append("cart-2", NewEvent.of(after));
			assertThat(store.readStream("cart-1").get(0).payload()).as("not read as damaged").isEqualTo(erased);
			assertThat(store.readStream("cart-2").get(0).payload()).isEqualTo(after);
		}
		try (EventStore store = open()) {
			assertThat(store.readStream("cart-1").get(0).payload()).isEqualTo(erased);
			assertThat(store.readStream("cart-2").get(0).payload()).isEqualTo(after);
			assertThat(store.erasePersonalData("c-1")).as("the new key").isTrue();
			assertThat(store.readStream("cart-2").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-2", "c-1", null, "[erased]"));
		}
	}

	@Test
	void aValueOneStoreDecryptedIsNotServedByTheNextStoreOnTheSameJournal() {
		InMemoryJournal journal = new InMemoryJournal();
		InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
		for (int round = 0; round < 2; round++) {
			try (EventStore store = EventStore.builder()
				.journal(journal)
				.eventTypes(EventTypes.of(CartCheckedOut.class))
				.personalData(PersonalDataProtection.of(MASTER_KEY, keys))
				.build()) {
				if (round == 0) {
					store.append("cart-1", NewEvent.of(checkout(1)));
					assertThat(store.readStream("cart-1").get(0).payload()).isEqualTo(checkout(1));
				}
				else {
					assertThat(store.readStream("cart-1").get(0).payload())
						.isEqualTo(new CartCheckedOut("cart-1", "customer-1", null, "[erased]"));
				}
			}
			// Between the stores, another instance sharing the keys erases the subject.
			keys.delete(PersonalDataProtection.of(MASTER_KEY, keys).subjectReference("customer-1"));
		}
	}

	@Test
	void anEventOfTwoSubjectsLosesOnlyTheErasedOnesValues() {
		try (EventStore store = open()) {
			store.append("transfers", NewEvent.of(new TransferMade("alice", "Alice A.", "bob", "Bob B.", 500)));
			store.erasePersonalData("alice");
			assertThat(store.readStream("transfers").get(0).payload())
				.isEqualTo(new TransferMade("alice", null, "bob", "Bob B.", 500));
		}
	}

	@Test
	void otherTypesReadAsTheirReplacementOrNull() {
		try (EventStore store = open()) {
			store.append("p", NewEvent.of(new Profiled("c", 42, LocalDate.of(1990, 5, 17))));
			assertThat(store.readStream("p").get(0).payload())
				.isEqualTo(new Profiled("c", 42, LocalDate.of(1990, 5, 17)));
			store.erasePersonalData("c");
			assertThat(store.readStream("p").get(0).payload()).isEqualTo(new Profiled("c", 0, null));
		}
	}

	@ParameterizedTest(name = "a mapper of the application's: {0}")
	@ValueSource(booleans = { false, true })
	void aStoreWithoutProtectionRefusesPersonalDataAndWritesNothing(boolean ownMapper) {
		EventStore.Builder builder = EventStore.builder().persistPath(journal());
		if (ownMapper) {
			// The Spring Boot starter's way: a mapper of the application's, not the
			// default.
			builder.jsonMapper(JsonMapper.builder().build());
		}
		try (EventStore store = builder.build()) {
			assertThatIllegalStateException().isThrownBy(() -> store.append("cart-1", NewEvent.of(checkout(1))))
				.withMessageContaining("personal data")
				.withMessageContaining(CartCheckedOut.class.getName())
				.withMessageContaining("personalData(");
			assertThat(store.lastPosition()).isZero();
			// Without personal values there is nothing to protect: stored as it is.
			store.append("cart-2", NewEvent.of(new CartCheckedOut("cart-2", "customer-2", null, null)));
			assertThat(store.readStream("cart-2").get(0).payload(CartCheckedOut.class))
				.isEqualTo(new CartCheckedOut("cart-2", "customer-2", null, null));
			assertThatIllegalStateException().isThrownBy(() -> store.erasePersonalData("customer-1"))
				.withMessageContaining("eventstore.personal-data.master-key");
		}
	}

	@Test
	void misplacedAnnotationsAreRefusedBeforeAnyEventIsMade() {
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(new Misnamed("c", "n")))
			.withMessageContaining("subject = \"customer\"")
			.withMessageContaining(Misnamed.class.getName())
			.withMessageContaining("customerId, name");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(new TaggedName("c", "n")))
			.withMessageContaining("@EventTag");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of(new Nested("cart", List.of(new Inner("c", "n")))))
			.withMessageContaining(Inner.class.getName())
			.withMessageContaining("nested in component 'people'");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(new SubjectIsPersonal("c", "n")))
			.withMessageContaining("personal data itself");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of(new ByValueObject(new CustomerId("c-1"), "n")))
			.withMessageContaining(ByValueObject.class.getName())
			.withMessageContaining("'customerId'")
			.withMessageContaining(CustomerId.class.getName())
			.withMessageContaining("text, a UUID or a whole number");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of(new ByScore(1.5, "n")))
			.withMessageContaining("of type double");
	}

	@Test
	void aPersonalValueWithoutItsSubjectIsRefusedAndNothingWritten() {
		try (EventStore store = open()) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("cart-1", NewEvent.of(new CartCheckedOut("cart-1", null, "N", "e"))))
				.withMessageContaining("'name'")
				.withMessageContaining("subject 'customerId' is null");
			// erasePersonalData refuses an empty id: data under one could never be
			// erased.
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.append("cart-1", NewEvent.of(new CartCheckedOut("cart-1", "", "N", "e"))))
				.withMessageContaining("subject 'customerId' is empty");
			assertThat(store.lastPosition()).isZero();
			store.append("cart-2", NewEvent.of(new CartCheckedOut("cart-2", null, null, null)));
			assertThat(store.readStream("cart-2").get(0).payload())
				.isEqualTo(new CartCheckedOut("cart-2", null, null, null));
		}
	}

	@Test
	void aWrongMasterKeyIsRefusedAtStart() {
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of(checkout(1)));
		}
		byte[] other = MASTER_KEY.clone();
		other[0] ^= 1;
		assertThatIllegalArgumentException().isThrownBy(() -> open(other))
			.withMessageContaining("not the one the key store")
			.withMessageContaining(keys().toString());
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 16, 31, 33, 64 })
	void aMasterKeyOfTheWrongLengthIsRefused(int length) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PersonalDataProtection.of(new byte[length], new InMemorySubjectKeyStore()))
			.withMessage("The personal-data master key must be 32 bytes (AES-256), was " + length + " bytes");
	}

	@Test
	void aMasterKeyThatIsNotBase64IsRefusedWithoutShowingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PersonalDataProtection.of("not base64 secret!", new InMemorySubjectKeyStore()))
			.withMessageNotContaining("secret")
			.withMessageContaining("not base64");
		String base64 = Base64.getEncoder().encodeToString(MASTER_KEY);
		assertThat(PersonalDataProtection.of(base64, new InMemorySubjectKeyStore()).toString()).doesNotContain(base64)
			.doesNotContain(new String(MASTER_KEY, StandardCharsets.US_ASCII));
	}

	@Test
	void anEnvelopeCopiedToAnotherEventDoesNotDecryptAndTheReadNamesTheEvent() {
		try (EventStore store = open()) {
			StoredEvent original = store.append("cart-1", NewEvent.of(checkout(1)));
			byte[] copied = JsonMapper.shared().writeValueAsBytes(original.data());
			StoredEvent copy = store.append("cart-copy", NewEvent.ofJson("CartCheckedOut", copied, null));
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> copy.payload(CartCheckedOut.class))
				.withMessageContaining("position " + copy.position())
				.withMessageContaining(copy.id().toString())
				.withMessageContaining("'name'")
				.withMessageContaining("authentication tag does not match");
			assertThat(original.payload(CartCheckedOut.class)).isEqualTo(checkout(1));
		}
	}

	@Test
	void aDamagedKeyFileFailsItsSubjectsReadsAndAppendsClearly() throws IOException {
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of(checkout(1)));
			store.append("cart-2", NewEvent.of(checkout(2)));
		}
		String subject = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore())
			.subjectReference("customer-1");
		Path keyFile = keys().resolve(subject.substring(0, 2)).resolve(subject + ".key");
		assertThat(keyFile).exists();
		byte[] key = Files.readAllBytes(keyFile);
		key[20] ^= 1;
		Files.write(keyFile, key);
		try (EventStore store = open()) {
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> store.readStream("cart-1").get(0).payload())
				.withMessageContaining("is damaged")
				.withMessageContaining(keys().toString());
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> store.append("cart-7", NewEvent.of(checkout(7))))
				.withMessageContaining("is damaged");
			assertThat(store.lastPosition()).isEqualTo(2);
			assertThat(store.readStream("cart-2").get(0).payload()).isEqualTo(checkout(2));
		}
	}

	@Test
	void anEventGivenAnotherIdStillReadsBack() {
		try (EventStore store = open()) {
			NewEvent event = NewEvent.of(checkout(1));
			store.append("cart-1", event.withId(java.util.UUID.randomUUID()));
			assertThat(store.readStream("cart-1").get(0).payload()).isEqualTo(checkout(1));
		}
	}

	@Test
	void anErasureDestroysTheKeyFileBeforeItReturns() {
		FileSubjectKeyStore keys = new FileSubjectKeyStore(keys());
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, keys);
		try (EventStore store = EventStore.builder().persistPath(journal()).personalData(protection).build()) {
			store.append("cart-1", NewEvent.of(checkout(1)));
			assertThat(keys.size()).isEqualTo(1);
			String subject = protection.subjectReference("customer-1");
			assertThat(keys.find(subject)).isNotNull();
			store.erasePersonalData("customer-1");
			assertThat(keys.find(subject)).isNull();
			assertThat(new FileSubjectKeyStore(keys()).size()).isZero();
		}
	}

	@Test
	void snapshotsKeepPersonalStateEncryptedAndReadItAsReplacedOnceErased() throws IOException {
		FileSubjectKeyStore keys = new FileSubjectKeyStore(keys());
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, keys);
		SnapshotStore snapshots = SnapshotStore.besideJournal(journal());
		try (EventStore store = EventStore.builder()
			.persistPath(journal())
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(protection)
			.build()) {
			Snapshotting<CustomerState> snapshotting = Snapshotting.builder(store, snapshots, CustomerState.class)
				.initial((stream) -> new CustomerState(stream, null, 0))
				.evolve((state, event) -> {
					CartCheckedOut checkout = event.payload(CartCheckedOut.class);
					return new CustomerState(checkout.customerId(), checkout.name(), state.checkouts() + 1);
				})
				.every(2)
				.personalData(protection)
				.build();
			for (int i = 0; i < 3; i++) {
				store.append("customer-1", NewEvent
					.of(new CartCheckedOut("cart-" + i, "customer-1", "Alice Secret", "alice@example.org")));
			}
			assertThat(snapshotting.load("customer-1").state())
				.isEqualTo(new CustomerState("customer-1", "Alice Secret", 3));
			assertThat(snapshotting.stats().saved()).isEqualTo(1);
			assertNowhereOnDisk("Alice Secret", "alice@example.org");
			assertThat(snapshotting.load("customer-1").snapshotVersion()).isEqualTo(3);
			store.erasePersonalData("customer-1");
			Snapshotting.Loaded<CustomerState> erased = snapshotting.load("customer-1");
			assertThat(erased.snapshotVersion()).as("read from the snapshot").isEqualTo(3);
			assertThat(erased.state()).isEqualTo(new CustomerState("customer-1", null, 3));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> Snapshotting.builder(store, snapshots, CustomerState.class)
					.initial((stream) -> new CustomerState(stream, null, 0))
					.evolve((state, event) -> state)
					.build())
				.withMessageContaining(CustomerState.class.getName())
				.withMessageContaining("plain text");
		}
	}

	@Test
	void aSnapshotThatWouldKeepPersonalValuesInPlainTextIsWithheldAndTheStreamReplayed() throws IOException {
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new FileSubjectKeyStore(keys()));
		try (EventStore store = EventStore.builder()
			.persistPath(journal())
			.eventTypes(EventTypes.of(CartCheckedOut.class))
			.personalData(protection)
			.build()) {
			Snapshotting<UnmarkedCustomerState> unmarked = Snapshotting
				.builder(store, SnapshotStore.besideJournal(journal()), UnmarkedCustomerState.class)
				.initial((stream) -> new UnmarkedCustomerState(stream, List.of(), 0))
				.evolve((state, event) -> {
					CartCheckedOut checkout = event.payload(CartCheckedOut.class);
					List<String> names = new ArrayList<>(state.names());
					names.add("Dear " + checkout.name() + "!");
					return new UnmarkedCustomerState(state.customerId(), names, state.checkouts() + 1);
				})
				.every(2)
				.build();
			Snapshotting<Integer> counting = Snapshotting
				.builder(store, SnapshotStore.besideJournal(journal()), Integer.class)
				.initial((stream) -> 0)
				.evolve((count, event) -> count + event.payload(CartCheckedOut.class).name().length())
				.every(2)
				.build();
			for (int i = 0; i < 3; i++) {
				store.append("customer-1", NewEvent
					.of(new CartCheckedOut("cart-" + i, "customer-1", "Alice Secret", "alice@example.org")));
			}

			for (int load = 1; load <= 2; load++) {
				Snapshotting.Loaded<UnmarkedCustomerState> loaded = unmarked.load("customer-1");
				assertThat(loaded.state().names()).hasSize(3).allMatch((name) -> name.equals("Dear Alice Secret!"));
				assertThat(loaded.snapshotVersion()).as("replayed").isZero();
				assertThat(unmarked.stats().withheld()).isEqualTo(load);
			}
			assertThat(unmarked.stats().saved()).isZero();
			assertThat(counting.load("customer-1").state()).isEqualTo(36);
			assertThat(counting.stats().saved()).as("a state holding none of the values is saved").isEqualTo(1);
			assertThat(counting.stats().withheld()).isZero();
			assertNowhereOnDisk("Alice Secret", "alice@example.org");
		}
	}

	@Test
	void aKeyDirectoryThatIsAFileIsRefused() throws IOException {
		Files.createDirectories(this.dir.resolve("data"));
		Files.writeString(keys(), "not a directory");
		assertThatIllegalArgumentException().isThrownBy(() -> new FileSubjectKeyStore(keys()))
			.withMessageContaining("it is a file");
	}

}
