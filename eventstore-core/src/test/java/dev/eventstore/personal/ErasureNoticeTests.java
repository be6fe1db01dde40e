package dev.eventstore.personal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An erasure destroys the key first and appends its {@link PersonalDataErased} notice
 * second. When the journal refuses the notice, the erasure still holds, the failure says
 * so and names the event to append, and appending it by hand reaches the handlers.
 */
class ErasureNoticeTests {

	/**
	 * An in-memory journal that refuses appends to the erasures' stream while asked to.
	 */
	static final class RefusingErasures implements Journal {

		final InMemoryJournal journal = new InMemoryJournal();

		final AtomicBoolean refusing = new AtomicBoolean();

		@Override
		public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
				Instant timestamp) {
			if (this.refusing.get() && streamId.equals(PersonalDataErased.STREAM)) {
				throw new EventStoreException("the disk is full (a test's journal)");
			}
			return this.journal.append(streamId, events, expected, timestamp);
		}

		@Override
		public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
			return this.journal.readStream(streamId, fromVersion, maxCount);
		}

		@Override
		public List<StoredEvent> readAll(long fromPosition, int maxCount) {
			return this.journal.readAll(fromPosition, maxCount);
		}

		@Override
		public long streamVersion(String streamId) {
			return this.journal.streamVersion(streamId);
		}

		@Override
		public long lastPosition() {
			return this.journal.lastPosition();
		}

		@Override
		public String location() {
			return "refusing erasures";
		}

		@Override
		public long sizeBytes() {
			return this.journal.sizeBytes();
		}

		@Override
		public void close() {
			this.journal.close();
		}

	}

	@Test
	void anErasureWhoseNoticeIsRefusedHoldsAndNamesTheEventToAppend() {
		RefusingErasures journal = new RefusingErasures();
		PersonalDataProtection protection = PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
				new InMemorySubjectKeyStore());
		try (EventStore store = EventStore.builder()
			.journal(journal)
			.eventTypes(EventTypes.of(PersonalDataTests.CartCheckedOut.class))
			.personalData(protection)
			.build()) {
			store.append("cart-1", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x")));
			journal.refusing.set(true);
			String reference = protection.subjectReference("c-1");
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> store.erasePersonalData("c-1"))
				.withMessageContaining("is erased (its key is destroyed)")
				.withMessageContaining("the disk is full")
				.withMessageContaining("new PersonalDataErased(\"" + reference + "\"")
				.withMessageContaining(PersonalDataErased.STREAM);
			assertThat(store.readStream("cart-1").get(0).payload())
				.isEqualTo(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", null, "[erased]"));
			assertThat(store.erasePersonalData("c-1")).as("the key is gone: a no-op").isFalse();
			assertThat(store.lastPosition()).isEqualTo(1);

			journal.refusing.set(false);
			store.append(PersonalDataErased.STREAM,
					NewEvent.of(new PersonalDataErased(reference, Instant.parse("2026-12-07T12:00:00Z"))));
			assertThat(store.readStream(PersonalDataErased.STREAM).get(0).payload(PersonalDataErased.class))
				.isEqualTo(new PersonalDataErased(reference, Instant.parse("2026-12-07T12:00:00Z")));
		}
	}

}
