package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.journal.memory.InMemoryJournal;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subjects' keys: one key a subject however many threads make it at once, erasures
 * racing loads never leave an erased key cached, and the cache stays within its bound
 * while every key still works.
 */
class SubjectKeysTests {

	static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	@Test
	void threadsMakingTheSameSubjectsKeysAtOnceGetOneKeyEach() throws Exception {
		InMemorySubjectKeyStore store = new InMemorySubjectKeyStore();
		SubjectKeys keys = new SubjectKeys(MASTER_KEY, store);
		Set<DataKey> made = ConcurrentHashMap.newKeySet();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				runs.add(threads.submit(() -> {
					for (int subject = 0; subject < 200; subject++) {
						made.add(keys.findOrMake("subject-" + subject));
					}
				}));
			}
			for (Future<?> run : runs) {
				run.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(store.size()).isEqualTo(200);
		assertThat(made).hasSize(200);
		byte[] aad = "aad".getBytes(StandardCharsets.US_ASCII);
		byte[] sealed = keys.findOrMake("subject-7").seal("value".getBytes(StandardCharsets.UTF_8), aad);
		SubjectKeys reloaded = new SubjectKeys(MASTER_KEY, store);
		assertThat(new String(reloaded.findOrMake("subject-7").open(sealed, aad, "f"), StandardCharsets.UTF_8))
			.isEqualTo("value");
	}

	@Test
	void anErasureRacingLoadsLeavesTheKeyGoneForEveryLaterRead() throws Exception {
		for (int round = 0; round < 20; round++) {
			InMemorySubjectKeyStore store = new InMemorySubjectKeyStore();
			SubjectKeys maker = new SubjectKeys(MASTER_KEY, store);
			for (int subject = 0; subject < 50; subject++) {
				maker.findOrMake("subject-" + subject);
			}
			SubjectKeys keys = new SubjectKeys(MASTER_KEY, store);
			ExecutorService threads = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> loads = new ArrayList<>();
				for (int t = 0; t < 3; t++) {
					loads.add(threads.submit(() -> {
						for (int subject = 0; subject < 50; subject++) {
							keys.find("subject-" + subject);
						}
					}));
				}
				long before = keys.erasures();
				for (int subject = 0; subject < 50; subject += 2) {
					assertThat(keys.erase("subject-" + subject)).isTrue();
				}
				assertThat(keys.erasures()).isEqualTo(before + 25);
				for (Future<?> load : loads) {
					load.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				threads.shutdownNow();
			}
			for (int subject = 0; subject < 50; subject++) {
				if (subject % 2 == 0) {
					assertThat(keys.find("subject-" + subject)).as("erased subject-%d", subject).isNull();
				}
				else {
					assertThat(keys.find("subject-" + subject)).isNotNull();
				}
			}
			assertThat(store.size()).isEqualTo(25);
		}
	}

	@Test
	void theCacheStaysWithinItsBoundAndADroppedKeyIsLoadedAgain() {
		InMemorySubjectKeyStore store = new InMemorySubjectKeyStore();
		SubjectKeys keys = new SubjectKeys(MASTER_KEY, store);
		byte[] aad = "aad".getBytes(StandardCharsets.US_ASCII);
		byte[] first = keys.findOrMake("subject-0").seal("first".getBytes(StandardCharsets.UTF_8), aad);
		int subjects = SubjectKeys.CACHED_KEYS + 500;
		for (int subject = 1; subject < subjects; subject++) {
			keys.findOrMake("subject-" + subject);
		}
		assertThat(keys.cached()).isEqualTo(SubjectKeys.CACHED_KEYS);
		assertThat(store.size()).isEqualTo(subjects);
		for (int subject = 0; subject < subjects; subject += 97) {
			assertThat(keys.find("subject-" + subject)).isNotNull();
		}
		assertThat(new String(keys.find("subject-0").open(first, aad, "f"), StandardCharsets.UTF_8)).isEqualTo("first");
		assertThat(keys.cached()).isEqualTo(SubjectKeys.CACHED_KEYS);
	}

	@Test
	void aSharedStoreIsAskedOnceAboutAnErasedKeysValuesNotAtEveryRead() {
		TestKeyStore store = new TestKeyStore(true);
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, store);
		PersonalFields fields = PersonalFields.of(PersonalDataTests.CartCheckedOut.class);
		UUID id = UUID.randomUUID();
		byte[] before = protection.encrypt(new PersonalDataTests.CartCheckedOut("cart-1", "c-1", "Ada", "a@x"), fields,
				id, JacksonEventSerializer.defaults());
		assertThat(protection.erase("c-1")).isTrue();
		protection.encrypt(new PersonalDataTests.CartCheckedOut("cart-2", "c-1", "Ada Again", "b@x"), fields,
				UUID.randomUUID(), JacksonEventSerializer.defaults());
		int asked = store.finds.get();
		for (int read = 0; read < 50; read++) {
			assertThat(new String(protection.decrypt(before, fields, id), StandardCharsets.UTF_8))
				.isEqualTo("{\"cartId\":\"cart-1\",\"customerId\":\"c-1\",\"name\":null,\"email\":\"[erased]\"}");
		}
		assertThat(store.finds.get() - asked).as("lookups in the shared store").isEqualTo(1);
	}

	@Test
	void aBatchAsksASharedStoreAboutEachSubjectOnceAndEverySingleAppendAsksAgain() {
		TestKeyStore keys = new TestKeyStore(true);
		try (EventStore store = EventStore.builder()
			.journal(new InMemoryJournal())
			.eventTypes(EventTypes.of(PersonalDataTests.CartCheckedOut.class))
			.personalData(PersonalDataProtection.of(MASTER_KEY, keys))
			.build()) {
			store.append("cart-0", NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-0", "c-1", "Ada", "a@x")));
			int asked = keys.finds.get();
			List<NewEvent> batch = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				batch.add(NewEvent
					.of(new PersonalDataTests.CartCheckedOut("cart-1", "c-" + (1 + i % 2), "Name " + i, "e" + i)));
			}
			store.appendBatch("cart-1", batch);
			assertThat(keys.finds.get() - asked).as("one a subject for the batch").isEqualTo(2);
			asked = keys.finds.get();
			for (int i = 0; i < 3; i++) {
				store.append("cart-2",
						NewEvent.of(new PersonalDataTests.CartCheckedOut("cart-2", "c-1", "Ada " + i, "a@x")));
			}
			assertThat(keys.finds.get() - asked).as("one an append").isEqualTo(3);
			assertThat(store.readStream("cart-1"))
				.extracting((event) -> event.payload(PersonalDataTests.CartCheckedOut.class).name())
				.containsExactly("Name 0", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6", "Name 7",
						"Name 8", "Name 9");
		}
	}

}
