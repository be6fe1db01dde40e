package dev.eventstore.personal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.SubjectKeysChangedException;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.personal.PersonalDataTests.CartCheckedOut;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal that checks, with the append, that a shared key store still holds the keys
 * the values were sealed under ({@link Journal#checksSubjectKeys}): the store seals with
 * its cached keys without asking the key store, and an append the journal refuses for a
 * key another instance erased is sealed again under the key the store holds now.
 */
class KeyCheckingJournalTests {

	/**
	 * An in-memory journal that checks keys against a key store, as the PostgreSQL one
	 * does.
	 */
	static final class KeyCheckingJournal extends ForwardingJournal {

		final TestKeyStore keys;

		final AtomicInteger checked = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		KeyCheckingJournal(TestKeyStore keys) {
			this.keys = keys;
		}

		@Override
		public boolean checksSubjectKeys(SubjectKeyStore keys) {
			return keys == this.keys;
		}

		@Override
		public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
				@Nullable AppendCondition condition, Instant timestamp, SubjectKeysUsed keys) {
			this.checked.incrementAndGet();
			for (int i = 0; i < keys.subjects().size(); i++) {
				// The store's own map: the lookups the test counts are the store's.
				if (!Arrays.equals(this.keys.keys.find(keys.subjects().get(i)), keys.wrappedKey(i))) {
					this.refused.incrementAndGet();
					throw new SubjectKeysChangedException(streamId, List.of(keys.subjects().get(i)));
				}
			}
			return append(streamId, events, expected, timestamp);
		}

		@Override
		public String location() {
			return "checking keys";
		}

	}

	private static NewEvent checkout(String customer, String name) {
		return NewEvent.of(new CartCheckedOut("cart-" + customer, customer, name, name + "@example.org"));
	}

	@Test
	void appendsOfCachedSubjectsAskTheSharedKeyStoreNothingAndTheJournalChecksEach() {
		TestKeyStore keys = new TestKeyStore(true);
		KeyCheckingJournal journal = new KeyCheckingJournal(keys);
		try (EventStore store = ErasureNoticeTests.open(journal,
				PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys))) {
			store.append("cart-c-1", checkout("c-1", "Alice"));
			keys.finds.set(0);
			journal.checked.set(0);
			store.append("cart-c-1", checkout("c-1", "Alice B"));
			store.appendBatch("cart-c-1", List.of(checkout("c-1", "Alice C"), checkout("c-1", "Alice D")));
			assertThat(keys.finds).as("key store lookups for cached subjects").hasValue(0);
			assertThat(journal.checked).as("appends the journal checked").hasValue(2);
			assertThat(store.readStream("cart-c-1")).extracting((event) -> event.payload(CartCheckedOut.class).name())
				.containsExactly("Alice", "Alice B", "Alice C", "Alice D");
		}
	}

	@Test
	void anAppendRefusedForAKeyAnotherInstanceErasedIsSealedAgainUnderANewKey() {
		TestKeyStore keys = new TestKeyStore(true);
		KeyCheckingJournal journal = new KeyCheckingJournal(keys);
		try (EventStore one = ErasureNoticeTests.open(journal,
				PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys));
				EventStore other = ErasureNoticeTests.open(new InMemoryJournal(),
						PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, keys))) {
			one.append("cart-c-1", checkout("c-1", "Alice"));
			assertThat(other.erasePersonalData("c-1")).isTrue();

			one.appendBatch("cart-c-1", List.of(checkout("c-1", "Alice Again"), checkout("c-1", "Alice Third")));
			one.append("cart-c-1", checkout("c-1", "Alice Fourth"));

			assertThat(journal.refused).as("appends refused: the first after the erasure only").hasValue(1);
			assertThat(one.readStream("cart-c-1")).extracting((event) -> event.payload(CartCheckedOut.class))
				.containsExactly(new CartCheckedOut("cart-c-1", "c-1", null, "[erased]"),
						new CartCheckedOut("cart-c-1", "c-1", "Alice Again", "Alice Again@example.org"),
						new CartCheckedOut("cart-c-1", "c-1", "Alice Third", "Alice Third@example.org"),
						new CartCheckedOut("cart-c-1", "c-1", "Alice Fourth", "Alice Fourth@example.org"));
			assertThat(one.lastPosition()).as("nothing of the refused append was written").isEqualTo(4);
		}
	}

}
