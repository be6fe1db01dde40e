package dev.eventstore.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.SubjectKeysChangedException;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.SubjectKeysUsed;
import dev.eventstore.postgres.PostgresPersonalDataTests.CustomerRegistered;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Appends that check, in their own statement, that the key table still holds the keys
 * their personal values were sealed under (V10): the store seals with its cached keys and
 * sends one statement an append, and a key another instance erased since fails the append
 * with nothing written, on every path an append takes.
 */
class CheckedAppendTests {

	private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

	private static final byte[] HELD = "wrapped key of s-held".getBytes(StandardCharsets.US_ASCII);

	/** A key table holding {@code s-held}'s key, as the key store would have put it. */
	private static PostgresJournal journalWithAKey(HikariDataSource pool, String prefix) throws SQLException {
		PostgresJournal journal = EmbeddedPostgresServer.journal(pool, prefix);
		try (Connection connection = pool.getConnection();
				PreparedStatement insert = connection
					.prepareStatement("INSERT INTO " + prefix + "subject_keys (subject, wrapped_key) VALUES (?, ?)")) {
			insert.setString(1, "s-held");
			insert.setBytes(2, HELD);
			insert.executeUpdate();
		}
		return journal;
	}

	private static SubjectKeysUsed held() {
		return new SubjectKeysUsed(List.of("s-held"), List.of(HELD));
	}

	private static SubjectKeysUsed heldAndErased() {
		return new SubjectKeysUsed(List.of("s-held", "s-erased"),
				List.of(HELD, "wrapped key of s-erased".getBytes(StandardCharsets.US_ASCII)));
	}

	private static SubjectKeysUsed replaced() {
		return new SubjectKeysUsed(List.of("s-held"), List.of("an older key".getBytes(StandardCharsets.US_ASCII)));
	}

	@Test
	void aStoreWithItsKeysBesideTheJournalSealsWithCachedKeysAndSendsOneStatementAnAppend() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			StatementCounter counter = new StatementCounter(pool);
			DataSource counted = counter.dataSource();
			try (EventStore store = EventStore.builder()
				.journal(EmbeddedPostgresServer.journal(counted, prefix))
				.eventTypes(EventTypes.of(CustomerRegistered.class))
				.personalData(PersonalDataProtection.of(PostgresPersonalDataTests.MASTER_KEY,
						PostgresSubjectKeyStore.of(counted, prefix)))
				.build()) {
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice", "alice@example.org")));
				await().until(() -> counter.executed().stream().anyMatch((sql) -> sql.startsWith("listen")));

				counter.reset();
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice B", "alice@example.org")));
				assertThat(counter.executed()).as("statements sent for one append of a cached subject")
					.containsExactly("append_one_checked");
				counter.reset();
				store.appendBatch("c-1", List.of(NewEvent.of(new CustomerRegistered("c-1", "Alice C", "c@example.org")),
						NewEvent.of(new CustomerRegistered("c-1", "Alice D", "d@example.org"))));
				assertThat(counter.executed()).as("statements sent for one batch").containsExactly("append_checked");
				counter.reset();
				store.append("plain", NewEvent.of("Noted", Map.of("n", 1)));
				assertThat(counter.executed()).as("an event without personal data checks no key")
					.containsExactly("append_one");

				assertThat(store.readStream("c-1"))
					.extracting((event) -> event.payload(CustomerRegistered.class).name())
					.containsExactly("Alice", "Alice B", "Alice C", "Alice D");
			}
		}
	}

	@Test
	void anInstanceWhoseCachedKeyAnotherErasedSealsAgainUnderANewKeyAndLosesNothing() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (PostgresPersonalDataTests.TwoInstances instances = PostgresPersonalDataTests.TwoInstances.on(prefix)) {
			EventStore one = instances.one();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
			assertThat(instances.other().erasePersonalData("c-1")).isTrue();

			// The key is still cached here: the append function refuses it, and the store
			// seals the batch again under the key the table holds now.
			AppendResult batch = one.appendBatch("c-1",
					List.of(NewEvent.of(new CustomerRegistered("c-1", "Alice Again", "again@example.org")),
							NewEvent.of(new CustomerRegistered("c-1", "Alice Third", "third@example.org"))));
			assertThat(batch).extracting(StoredEvent::version).containsExactly(2L, 3L);
			one.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob", "bob@example.org")));
			assertThat(instances.other().erasePersonalData("c-2")).isTrue();
			one.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob Again", "bob.again@example.org")));

			for (EventStore store : List.of(one, instances.other())) {
				await().untilAsserted(() -> {
					assertThat(store.readStream("c-1")).extracting((event) -> event.payload(CustomerRegistered.class))
						.containsExactly(new CustomerRegistered("c-1", null, "[erased]"),
								new CustomerRegistered("c-1", "Alice Again", "again@example.org"),
								new CustomerRegistered("c-1", "Alice Third", "third@example.org"));
					assertThat(store.readStream("c-2")).extracting((event) -> event.payload(CustomerRegistered.class))
						.containsExactly(new CustomerRegistered("c-2", null, "[erased]"),
								new CustomerRegistered("c-2", "Bob Again", "bob.again@example.org"));
				});
			}
			assertThat(one.lastPosition()).as("five events and two erasures: no gap, nothing twice").isEqualTo(7);
		}
	}

	@Test
	void theJournalRefusesAnEventOrABatchSealedUnderAKeyTheTableNoLongerHoldsAndWritesNothing() throws SQLException {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (PostgresJournal journal = journalWithAKey(pool, prefix)) {
				NewEvent one = NewEvent.of("E", Map.of("n", 1));
				assertThatExceptionOfType(SubjectKeysChangedException.class)
					.isThrownBy(
							() -> journal.append("s", List.of(one), ExpectedVersion.any(), null, NOW, heldAndErased()))
					.withMessageContaining("stream 's'")
					.withMessageContaining("nothing was written")
					.satisfies((ex) -> assertThat(ex.subjects()).containsExactly("s-erased"));
				assertThatExceptionOfType(SubjectKeysChangedException.class)
					.isThrownBy(() -> journal.append("s", List.of(one, NewEvent.of("E", Map.of())),
							ExpectedVersion.noStream(), null, NOW, replaced()))
					.satisfies((ex) -> assertThat(ex.subjects()).containsExactly("s-held"));
				assertThat(journal.lastPosition()).isZero();
				assertThat(journal.readAll(1, 10)).isEmpty();

				assertThat(journal.append("s", List.of(one), ExpectedVersion.noStream(), null, NOW, held()))
					.extracting(StoredEvent::position)
					.containsExactly(1L);
				assertThat(journal.append("s", List.of(NewEvent.of("E", Map.of()), NewEvent.of("E", Map.of())),
						ExpectedVersion.exactly(1), null, NOW, held()))
					.extracting(StoredEvent::position)
					.containsExactly(2L, 3L);
				assertThat(
						journal.append("s", List.of(one), ExpectedVersion.noStream(), null, NOW, held()).isDuplicate())
					.as("a retry, told the long way, is still a retry")
					.isTrue();
				assertThat(journal.lastPosition()).isEqualTo(3);
			}
		}
	}

	@Test
	void appendsWrittenTheLongWayCheckTheirKeysUnderTheHeadLock() throws SQLException {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (PostgresJournal journal = journalWithAKey(pool, prefix)) {
				NewEvent tagged = NewEvent.of("E", Map.of("n", 1)).withTags("customer:c-1");
				assertThatExceptionOfType(SubjectKeysChangedException.class).isThrownBy(
						() -> journal.append("s", List.of(tagged), ExpectedVersion.any(), null, NOW, heldAndErased()))
					.satisfies((ex) -> assertThat(ex.subjects()).containsExactly("s-erased"));
				assertThat(journal.lastPosition()).isZero();
				assertThat(journal.append("s", List.of(tagged), ExpectedVersion.any(), null, NOW, held()))
					.extracting(StoredEvent::tags)
					.containsExactly(Set.of("customer:c-1"));

				// A retry of a stored append goes the long way too: a changed key still
				// refuses it rather than answering with the stored events.
				assertThatExceptionOfType(SubjectKeysChangedException.class).isThrownBy(
						() -> journal.append("s", List.of(tagged), ExpectedVersion.any(), null, NOW, replaced()));
				assertThat(journal.lastPosition()).isEqualTo(1);
			}
		}
	}

	@Test
	void anAppendInTheCallersTransactionIsRefusedWithoutSpoilingTheTransaction() throws SQLException {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			journalWithAKey(pool, prefix).close();
			JdbcTransactions transactions = new JdbcTransactions(pool);
			try (PostgresJournal journal = PostgresJournal.builder(pool)
				.tablePrefix(prefix)
				.appendConnections(transactions)
				.build()) {
				transactions.inTransaction(() -> {
					assertThatExceptionOfType(SubjectKeysChangedException.class).isThrownBy(() -> journal.append("s",
							List.of(NewEvent.of("E", Map.of())), ExpectedVersion.any(), null, NOW, replaced()));
					assertThatExceptionOfType(SubjectKeysChangedException.class).isThrownBy(() -> journal.append("s",
							List.of(NewEvent.of("E", Map.of()), NewEvent.of("E", Map.of()).withTags("t:1")),
							ExpectedVersion.any(), null, NOW, replaced()));
					journal.append("s", List.of(NewEvent.of("E", Map.of())), ExpectedVersion.noStream(), null, NOW,
							held());
				});
				assertThat(journal.readStream("s", 1, 10)).hasSize(1);
				assertThat(journal.lastPosition()).isEqualTo(1);
			}
		}
	}

	@Test
	void inAGroupOfConcurrentAppendsOnlyThoseSealedUnderAChangedKeyAreRefused() throws Exception {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (PostgresJournal journal = journalWithAKey(pool, prefix)) {
				ExecutorService threads = Executors.newFixedThreadPool(8);
				List<Future<AppendResult>> held = new ArrayList<>();
				List<Future<AppendResult>> refused = new ArrayList<>();
				try {
					for (int i = 0; i < 200; i++) {
						String stream = "s-" + (i % 8);
						boolean good = i % 2 == 0;
						List<NewEvent> events = (i % 3 == 0) ? List.of(NewEvent.of("E", Map.of("i", i)))
								: List.of(NewEvent.of("E", Map.of("i", i)), NewEvent.of("E", Map.of("i", i)));
						Future<AppendResult> result = threads.submit(() -> journal.append(stream, events,
								ExpectedVersion.any(), null, NOW, good ? held() : heldAndErased()));
						(good ? held : refused).add(result);
					}
					long events = 0;
					for (Future<AppendResult> result : held) {
						events += result.get().size();
					}
					for (Future<AppendResult> result : refused) {
						assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get)
							.withCauseInstanceOf(SubjectKeysChangedException.class);
					}
					assertThat(journal.lastPosition()).isEqualTo(events);
					assertThat(journal.readAll(1, 1000)).extracting(StoredEvent::position)
						.as("gapless: a refused append left no hole")
						.containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
				}
				finally {
					threads.shutdownNow();
				}
			}
		}
	}

	@Test
	void onlyAJournalOverTheSamePoolAndPrefixWithTheCheckingFunctionsChecksKeys() throws SQLException {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3);
				HikariDataSource other = EmbeddedPostgresServer.pool(2)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (PostgresJournal journal = EmbeddedPostgresServer.journal(pool, prefix)) {
				assertThat(journal.checksSubjectKeys(PostgresSubjectKeyStore.of(pool, prefix))).isTrue();
				assertThat(journal.checksSubjectKeys(PostgresSubjectKeyStore.of(pool, "elsewhere_"))).isFalse();
				assertThat(journal.checksSubjectKeys(PostgresSubjectKeyStore.of(other, prefix)))
					.as("another pool: maybe another database")
					.isFalse();
				assertThat(journal.checksSubjectKeys(new InMemorySubjectKeyStore())).isFalse();
			}

			String version9 = EmbeddedPostgresServer.freshPrefix();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				for (String script : Schema.SCRIPTS.subList(0, 9)) {
					for (String sql : Schema.statements(Schema.script(script, new TablePrefix(version9)))) {
						statement.execute(sql);
					}
				}
			}
			try (PostgresJournal journal = PostgresJournal.builder(pool).tablePrefix(version9).build();
					EventStore store = EventStore.builder()
						.journal(journal)
						.eventTypes(EventTypes.of(CustomerRegistered.class))
						.personalData(PersonalDataProtection.of(PostgresPersonalDataTests.MASTER_KEY,
								PostgresSubjectKeyStore.of(pool, version9)))
						.build()) {
				assertThat(journal.checksSubjectKeys(PostgresSubjectKeyStore.of(pool, version9)))
					.as("a version 9 schema has no checking functions")
					.isFalse();
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice", "alice@example.org")));
				assertThat(store.readStream("c-1").get(0).payload(CustomerRegistered.class).name())
					.as("sealed after asking the key table, as before V10")
					.isEqualTo("Alice");
			}
		}
	}

}
