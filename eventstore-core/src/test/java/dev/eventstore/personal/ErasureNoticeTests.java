package dev.eventstore.personal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An erasure destroys the key first (leaving a note) and appends its
 * {@link PersonalDataErased} notice second. An erasure a crash cut short between the two
 * is finished and announced when the store opens next, once; when the journal refuses the
 * notice, the erasure still holds, the failure says so and names the event to append.
 */
class ErasureNoticeTests {

	/**
	 * An in-memory journal that refuses appends to the erasures' stream while asked to.
	 */
	static final class RefusingErasures extends ForwardingJournal {

		final AtomicBoolean refusing = new AtomicBoolean();

		@Override
		public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
				Instant timestamp) {
			if (this.refusing.get() && streamId.equals(PersonalDataErased.STREAM)) {
				throw new EventStoreException("the disk is full (a test's journal)");
			}
			return super.append(streamId, events, expected, timestamp);
		}

		@Override
		public String location() {
			return "refusing erasures";
		}

	}

	@TempDir
	Path dir;

	/** A store of checkouts on the journal, its personal data protected so. */
	static EventStore open(Journal journal, PersonalDataProtection protection) {
		return EventStore.builder()
			.journal(journal)
			.eventTypes(EventTypes.of(PersonalDataTests.CartCheckedOut.class))
			.personalData(protection)
			.build();
	}

	private EventStore open() {
		return EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(PersonalDataTests.CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
					new FileSubjectKeyStore(this.dir.resolve("keys"))))
			.build();
	}

	@Test
	void erasuresACrashCutShortAreFinishedAndAnnouncedWhenTheStoreOpensNext() throws IOException {
		PersonalDataProtection references = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
				new InMemorySubjectKeyStore());
		String first = references.subjectReference("c-1");
		String second = references.subjectReference("c-2");
		try (EventStore store = open()) {
			for (String customer : List.of("c-1", "c-2", "c-3")) {
				store.append("cart-" + customer, NewEvent
					.of(new PersonalDataTests.CartCheckedOut("cart-" + customer, customer, "Name " + customer, "e")));
			}
		}
		// A crash after c-1's key was destroyed, before its event; and one after c-2's
		// note was written, before its key was destroyed.
		Path keys = this.dir.resolve("keys");
		assertThat(new FileSubjectKeyStore(keys).erase(first)).isTrue();
		Path secondKey = keys.resolve(second.substring(0, 2)).resolve(second + ".key");
		Files.write(keys.resolve("erased").resolve(second),
				FileSubjectKeyStore.fingerprint(Files.readAllBytes(secondKey)));
		assertThat(new FileSubjectKeyStore(keys).pendingErasures()).containsExactlyInAnyOrder(first, second);
		try (EventStore store = open()) {
			assertThat(store.readStream(PersonalDataErased.STREAM))
				.extracting((event) -> event.payload(PersonalDataErased.class).subject())
				.containsExactlyInAnyOrder(first, second);
			assertThat(store.readStream("cart-c-2").get(0).payload())
				.isEqualTo(new PersonalDataTests.CartCheckedOut("cart-c-2", "c-2", null, "[erased]"));
			assertThat(store.readStream("cart-c-3").get(0).payload(PersonalDataTests.CartCheckedOut.class).name())
				.isEqualTo("Name c-3");
		}
		assertThat(new FileSubjectKeyStore(keys).pendingErasures()).isEmpty();
		try (Stream<Path> files = Files.walk(keys)) {
			assertThat(files.map(Path::toString)).noneMatch((name) -> name.contains("erased" + File.separator));
		}
		try (EventStore store = open()) {
			assertThat(store.readStream(PersonalDataErased.STREAM)).as("announced once each").hasSize(2);
		}
	}

	@Test
	void anErasureWhoseEventWouldJoinTheCallersTransactionIsRefusedBeforeTheKeyIsDestroyed() {
		InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
		AtomicBoolean inTransaction = new AtomicBoolean();
		ForwardingJournal journal = new ForwardingJournal() {

			@Override
			public boolean joinsCallerTransaction() {
				return inTransaction.get();
			}

			@Override
			public String location() {
				return "transactional";
			}

		};
		try (EventStore store = open(journal, PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys))) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@b")));
			inTransaction.set(true);
			assertThatIllegalStateException().isThrownBy(() -> store.erasePersonalData("c-1"))
				.withMessageContaining("cannot run inside a transaction")
				.withMessageContaining("nothing was erased");
			assertThat(keys.size()).as("the key is whole").isEqualTo(1);
			assertThat(store.readStream(PersonalDataErased.STREAM)).isEmpty();
			inTransaction.set(false);
			assertThat(store.erasePersonalData("c-1")).isTrue();
			assertThat(keys.size()).isZero();
		}
	}

	@Test
	void aPendingErasureTheJournalRefusesAtOpenStaysPendingAndTheStoreStillOpens() {
		InMemorySubjectKeyStore keys = new InMemorySubjectKeyStore();
		PersonalDataProtection protection = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys);
		protection.encrypt(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x"),
				PersonalFields.of(PersonalDataTests.CartCheckedOut.class), UUID.randomUUID(),
				JacksonEventSerializer.defaults());
		String reference = protection.subjectReference("c-1");
		assertThat(keys.erase(reference)).as("a crash right after this").isTrue();
		RefusingErasures refusing = new RefusingErasures();
		refusing.refusing.set(true);
		try (EventStore store = EventStore.builder().journal(refusing).personalData(protection).build()) {
			assertThat(store.lastPosition()).isZero();
			assertThat(protection.pendingErasures()).containsExactly(reference);
		}
		try (EventStore store = EventStore.builder().journal(new RefusingErasures()).personalData(protection).build()) {
			assertThat(store.readStream(PersonalDataErased.STREAM)).hasSize(1);
			assertThat(protection.pendingErasures()).isEmpty();
		}
	}

	@Test
	void anErasureWhoseNoticeIsRefusedHoldsAndNamesTheEventToAppend() {
		RefusingErasures journal = new RefusingErasures();
		PersonalDataProtection protection = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
				new InMemorySubjectKeyStore());
		try (EventStore store = open(journal, protection)) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
			journal.refusing.set(true);
			String reference = protection.subjectReference("c-1");
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> store.erasePersonalData("c-1"))
				.withMessageContaining("is erased (its key is destroyed)")
				.withMessageContaining("the disk is full")
				.withMessageContaining("the store appends it when it opens next")
				.withMessageContaining("new PersonalDataErased(\"" + reference + "\"")
				.withMessageContaining(PersonalDataErased.STREAM);
			assertThat(store.readStream("cart-1").get(0).payload())
				.isEqualTo(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", null, "[erased]"));
			assertThat(store.erasePersonalData("c-1")).as("the key is gone: a no-op").isFalse();
			assertThat(store.lastPosition()).isEqualTo(1);
			assertThat(protection.pendingErasures()).as("left for the next open").containsExactly(reference);

			journal.refusing.set(false);
			store.append(PersonalDataErased.STREAM,
					NewEvent.of(new PersonalDataErased(reference, Instant.parse("2026-12-07T12:00:00Z"))));
			assertThat(store.readStream(PersonalDataErased.STREAM).get(0).payload(PersonalDataErased.class))
				.isEqualTo(new PersonalDataErased(reference, Instant.parse("2026-12-07T12:00:00Z")));
		}
	}

	@Test
	void anErasureWhoseNoteCannotBeWrittenErasesNothingAndSaysWhere() throws IOException {
		String reference = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new InMemorySubjectKeyStore())
			.subjectReference("c-1");
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
			// Something in the note's way: a directory the note cannot replace.
			Path note = this.dir.resolve("keys").resolve("erased").resolve(reference);
			Files.createDirectories(note.resolve("in-the-way"));

			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.erasePersonalData("c-1"))
				.withMessageContaining("Cannot note the erasure of a data subject at " + note)
				.withMessageContaining("nothing was erased");
			assertThat(store.readStream("cart-1").get(0).payload(PersonalDataTests.CartCheckedOut.class).name())
				.as("the key is whole")
				.isEqualTo("Ada");
			assertThat(store.readStream(PersonalDataErased.STREAM)).as("nothing announced").isEmpty();
			assertThat(store.lastPosition()).isEqualTo(1);

			Files.delete(note.resolve("in-the-way"));
			Files.delete(note);
			assertThat(store.erasePersonalData("c-1")).as("erased when tried again").isTrue();
			assertThat(store.readStream("cart-1").get(0).payload(PersonalDataTests.CartCheckedOut.class).name())
				.isNull();
			assertThat(store.readStream(PersonalDataErased.STREAM)).hasSize(1);
		}
		assertThat(new FileSubjectKeyStore(this.dir.resolve("keys")).pendingErasures()).isEmpty();
	}

	@ParameterizedTest(name = "key store keeps fingerprints: {0}")
	@ValueSource(booleans = { true, false })
	void anErasureWhoseNoteCannotBeDroppedIsAnnouncedOnceWhenItsStoreKeepsAFingerprint(boolean fingerprints) {
		TestKeyStore keys = new TestKeyStore(false);
		keys.withoutFingerprints.set(!fingerprints);
		PersonalDataProtection protection = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys);
		InMemoryJournal journal = new InMemoryJournal();
		String reference = protection.subjectReference("c-1");
		try (EventStore store = open(journal, protection)) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
			keys.refusingAnnouncements.set(true);

			assertThat(store.erasePersonalData("c-1")).as("the erasure holds: no failure").isTrue();
			assertThat(store.readStream(PersonalDataErased.STREAM))
				.extracting((event) -> event.payload(PersonalDataErased.class).subject())
				.containsExactly(reference);
			assertThat(keys.pendingErasures()).as("the note is left").containsExactly(reference);
		}
		keys.refusingAnnouncements.set(false);
		try (EventStore store = EventStore.builder().journal(journal).personalData(protection).build()) {
			assertThat(store.readStream(PersonalDataErased.STREAM))
				.as(fingerprints ? "the event of the erasure's id is stored: not appended again"
						: "without a fingerprint, a second notice, which handlers take in stride")
				.extracting((event) -> event.payload(PersonalDataErased.class).subject())
				.containsExactlyElementsOf(fingerprints ? List.of(reference) : List.of(reference, reference));
			assertThat(keys.pendingErasures()).as("the note is dropped").isEmpty();
		}
		try (EventStore store = EventStore.builder().journal(journal).personalData(protection).build()) {
			assertThat(store.readStream(PersonalDataErased.STREAM)).as("and none more").hasSize(fingerprints ? 1 : 2);
		}
	}

	@Test
	void aCrashBetweenTheNoticeAndTheNotesRemovalLeavesOneNoticeInTheFileJournal() throws IOException {
		Path keys = this.dir.resolve("keys");
		PersonalDataProtection references = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
				new InMemorySubjectKeyStore());
		String reference = references.subjectReference("c-1");
		byte[] fingerprint;
		try (EventStore store = open()) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
			fingerprint = FileSubjectKeyStore
				.fingerprint(Files.readAllBytes(keys.resolve(reference.substring(0, 2)).resolve(reference + ".key")));
			assertThat(store.erasePersonalData("c-1")).isTrue();
		}
		// The note as a crash after the event's append, before the note's removal, leaves
		// it.
		Files.write(keys.resolve("erased").resolve(reference), fingerprint);
		assertThat(new FileSubjectKeyStore(keys).pendingErasures()).containsExactly(reference);

		List<RuntimeException> failed = new ArrayList<>();
		try (EventStore store = EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(PersonalDataTests.CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new FileSubjectKeyStore(keys)))
			.observer(new EventStoreObserver() {
				@Override
				public void appendFailed(String streamId, RuntimeException failure, long nanos) {
					failed.add(failure);
				}
			})
			.build()) {
			assertThat(store.readStream(PersonalDataErased.STREAM)).as("announced once")
				.extracting((event) -> event.payload(PersonalDataErased.class).subject())
				.containsExactly(reference);
		}
		assertThat(failed).as("found, not refused by an append the metrics would count as failed").isEmpty();
		assertThat(new FileSubjectKeyStore(keys).pendingErasures()).isEmpty();
	}

	@Test
	void aSubjectErasedAgainAfterItCameBackIsAnnouncedAgain() {
		try (EventStore store = open()) {
			for (int round = 0; round < 2; round++) {
				store.append("cart-" + round,
						NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-" + round, "c-1", "Ada", "a@x")));
				assertThat(store.erasePersonalData("c-1")).isTrue();
			}
			assertThat(store.readStream(PersonalDataErased.STREAM)).as("one notice an erasure, each its own id")
				.hasSize(2)
				.extracting((event) -> event.id())
				.doesNotHaveDuplicates();
		}
	}

	@ParameterizedTest(name = "key store in files: {0}")
	@ValueSource(booleans = { true, false })
	void aSubjectsNewKeyMadeWhileItsErasureWaitsToBeAnnouncedSurvivesTheAnnouncement(boolean files) {
		RefusingErasures journal = new RefusingErasures();
		Path directory = this.dir.resolve("keys");
		InMemorySubjectKeyStore memory = new InMemorySubjectKeyStore();
		for (boolean reopened : new boolean[] { false, true }) {
			SubjectKeyStore keys = files ? new FileSubjectKeyStore(directory) : memory;
			try (EventStore store = open(journal, PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys))) {
				if (!reopened) {
					store.append("cart-1",
							NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
					journal.refusing.set(true);
					assertThatExceptionOfType(EventStoreException.class)
						.isThrownBy(() -> store.erasePersonalData("c-1"));
					journal.refusing.set(false);
					// The customer comes back before the store opens again: a new key.
					store.append("cart-2",
							NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-2", "c-1", "Ada Again", "b@x")));
				}
				else {
					assertThat(store.readStream(PersonalDataErased.STREAM)).as("announced at open").hasSize(1);
				}
				assertThat(store.readStream("cart-1").get(0).payload())
					.isEqualTo(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", null, "[erased]"));
				assertThat(store.readStream("cart-2").get(0).payload()).as("the data given after the erasure is kept")
					.isEqualTo(new PersonalDataTests.CartCheckedOut("cart-2", "c-1", "Ada Again", "b@x"));
			}
		}
	}

}
