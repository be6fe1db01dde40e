package dev.eventstore.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.Subscription;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Personal data on the PostgreSQL journal: the keys in the journal's schema, shared by
 * every instance; no table ever holds a plain value; an erasure by one instance holds for
 * all.
 */
class PostgresPersonalDataTests {

	static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String name,
			@PersonalData(subject = "customerId", replacement = "[erased]") String email) {
	}

	private static EventStore store(HikariDataSource pool, String prefix, byte[] masterKey) {
		return EventStore.builder()
			.journal(EmbeddedPostgresServer.journal(pool, prefix))
			.eventTypes(EventTypes.of(CustomerRegistered.class))
			.personalData(PersonalDataProtection.of(masterKey, PostgresSubjectKeyStore.of(pool, prefix)))
			.build();
	}

	/**
	 * Two instances of an application on one schema, each with its own pool and store.
	 */
	record TwoInstances(HikariDataSource firstPool, HikariDataSource secondPool, EventStore one,
			EventStore other) implements AutoCloseable {

		static TwoInstances on(String prefix) {
			HikariDataSource first = EmbeddedPostgresServer.pool(2);
			HikariDataSource second = EmbeddedPostgresServer.pool(2);
			return new TwoInstances(first, second, store(first, prefix, MASTER_KEY), store(second, prefix, MASTER_KEY));
		}

		@Override
		public void close() {
			this.one.close();
			this.other.close();
			this.firstPool.close();
			this.secondPool.close();
		}

	}

	/** Every text and byte value of every row of the prefix's tables. */
	private static List<String> everyValue(HikariDataSource pool, String prefix) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			List<String> tables = tables(statement, prefix);
			assertThat(tables).contains(prefix + "events", prefix + "subject_keys", prefix + "subject_key_check");
			for (String table : tables) {
				try (ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
					int columns = rs.getMetaData().getColumnCount();
					while (rs.next()) {
						for (int c = 1; c <= columns; c++) {
							byte[] bytes = rs.getBytes(c);
							if (bytes != null) {
								values.add(new String(bytes, StandardCharsets.ISO_8859_1));
							}
						}
					}
				}
			}
		}
		return values;
	}

	/** The tables of a prefix. */
	static List<String> tables(Statement statement, String prefix) throws SQLException {
		List<String> tables = new ArrayList<>();
		try (ResultSet rs = statement
			.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '" + prefix + "%'")) {
			while (rs.next()) {
				tables.add(rs.getString(1));
			}
		}
		return tables;
	}

	@Test
	void keysLiveInTheSchemaAndNoTableHoldsAPlainValueBeforeOrAfterAnErasure() throws SQLException {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4);
				EventStore first = store(pool, prefix, MASTER_KEY);
				EventStore second = store(pool, prefix, MASTER_KEY)) {
			first.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
			second.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org")));
			assertThat(second.readStream("c-1").get(0).payload())
				.isEqualTo(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org"));
			assertThat(everyValue(pool, prefix)).noneMatch((value) -> value.contains("Alice Secret")
					|| value.contains("alice@example.org") || value.contains("Bob Secret"));
			assertThat(first.erasePersonalData("c-1")).isTrue();
			assertThat(first.readStream("c-1").get(0).payload())
				.isEqualTo(new CustomerRegistered("c-1", null, "[erased]"));
			// The other instance had the key cached: it asks the table again within a
			// second.
			long erasedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(3))
				.until(() -> second.readStream("c-1")
					.get(0)
					.payload()
					.equals(new CustomerRegistered("c-1", null, "[erased]")));
			assertThat(Duration.ofNanos(System.nanoTime() - erasedAt)).isLessThan(Duration.ofMillis(1_500));
			assertThat(second.erasePersonalData("c-1")).as("erased by the other instance").isFalse();
			assertThat(first.readStream("c-2").get(0).payload())
				.isEqualTo(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org"));
			assertThat(first.readStream(PersonalDataErased.STREAM)).hasSize(1);
			assertThat(everyValue(pool, prefix))
				.noneMatch((value) -> value.contains("Alice Secret") || value.contains("alice@example.org"));
			assertThat(PostgresSubjectKeyStore.of(pool, prefix).size()).isEqualTo(1);
		}
	}

	@Test
	void anErasureACrashKeptFromBeingAnnouncedIsAnnouncedByTheNextOpen() throws Exception {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4)) {
			String reference;
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
				store.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org")));
				reference = PersonalDataProtection.of(MASTER_KEY, PostgresSubjectKeyStore.of(pool, prefix))
					.subjectReference("c-1");
			}
			// The crash: the key destroyed and its note written (one statement), the
			// event never appended.
			PostgresSubjectKeyStore keys = PostgresSubjectKeyStore.of(pool, prefix);
			byte[] key = keys.find(reference);
			assertThat(keys.erase(reference)).isTrue();
			assertThat(keys.erase(reference)).as("no key left").isFalse();
			assertThat(keys.pendingErasures()).containsExactly(reference);
			assertThat(keys.erasureFingerprint(reference)).as("the note names the key it destroyed")
				.isEqualTo(sha256(key));
			assertThat(keys.size()).as("a note is not a key").isEqualTo(1);
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				assertThat(store.readStream(PersonalDataErased.STREAM)).hasSize(1)
					.first()
					.satisfies((event) -> assertThat(event.payload(PersonalDataErased.class).subject())
						.isEqualTo(reference));
				assertThat(store.readStream("c-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", null, "[erased]"));
				assertThat(store.readStream("c-2").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org"));
			}
			assertThat(keys.pendingErasures()).isEmpty();
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				assertThat(store.readStream(PersonalDataErased.STREAM)).as("announced once").hasSize(1);
			}
		}
	}

	@Test
	void anErasureAnnouncedBeforeItsNoteWasDroppedIsNotAnnouncedAgainByTheNextInstanceToOpen() throws Exception {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4)) {
			PostgresSubjectKeyStore keys = PostgresSubjectKeyStore.of(pool, prefix);
			String first;
			String second;
			byte[] fingerprint;
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
				store.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org")));
				PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, keys);
				first = protection.subjectReference("c-1");
				second = protection.subjectReference("c-2");
				fingerprint = sha256(keys.find(first));
				assertThat(store.erasePersonalData("c-1")).isTrue();
			}
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				// A crash after c-1's notice was appended, before its note was dropped:
				// the note as the erasure wrote it.
				statement.execute("INSERT INTO " + prefix + "subject_keys (subject, wrapped_key) VALUES ('erased:"
						+ first + "', decode('" + HexFormat.of().formatHex(fingerprint) + "', 'hex'))");
				// And c-2's erasure cut short before its notice by a version whose notes
				// kept no fingerprint (an empty key).
				statement.execute("DELETE FROM " + prefix + "subject_keys WHERE subject = '" + second + "'");
				statement.execute("INSERT INTO " + prefix + "subject_keys (subject, wrapped_key) VALUES ('erased:"
						+ second + "', ''::bytea)");
			}
			assertThat(keys.erasureFingerprint(first)).isEqualTo(fingerprint);
			assertThat(keys.erasureFingerprint(second)).as("an old note").isNull();
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				assertThat(store.readStream(PersonalDataErased.STREAM))
					.as("c-1 announced once, c-2's erasure announced now")
					.extracting((event) -> event.payload(PersonalDataErased.class).subject())
					.containsExactly(first, second);
			}
			assertThat(keys.pendingErasures()).isEmpty();
		}
	}

	@Test
	void aCustomerWhoComesBackAfterAnErasureKeepsTheNewDataAndTheOldStaysErasedOnEveryInstance() {
		try (TwoInstances instances = TwoInstances.on(EmbeddedPostgresServer.freshPrefix())) {
			EventStore one = instances.one();
			EventStore other = instances.other();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
			assertThat(other.erasePersonalData("c-1")).isTrue();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Again", "alice.again@example.org")));
			for (EventStore store : List.of(one, other)) {
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(store.readStream("c-1"))
						.extracting((event) -> event.payload(CustomerRegistered.class))
						.containsExactly(new CustomerRegistered("c-1", null, "[erased]"),
								new CustomerRegistered("c-1", "Alice Again", "alice.again@example.org")));
			}
		}
	}

	@Test
	void anInstanceHoldingTheOldKeyReadsTheNewDataOfACustomerWhoCameBackAtOnce() {
		try (TwoInstances instances = TwoInstances.on(EmbeddedPostgresServer.freshPrefix())) {
			EventStore one = instances.one();
			EventStore other = instances.other();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
			assertThat(other.readStream("c-1").get(0).payload(CustomerRegistered.class).name())
				.as("the key cached on the other instance")
				.isEqualTo("Alice Secret");
			assertThat(one.erasePersonalData("c-1")).isTrue();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Again", "alice.again@example.org")));

			assertThat(other.readStream("c-1").get(1).payload())
				.as("read at once, not as erased for the second the old key stays cached")
				.isEqualTo(new CustomerRegistered("c-1", "Alice Again", "alice.again@example.org"));
			assertThat(other.readStream("c-1")).extracting((event) -> event.payload(CustomerRegistered.class))
				.containsExactly(new CustomerRegistered("c-1", null, "[erased]"),
						new CustomerRegistered("c-1", "Alice Again", "alice.again@example.org"));
		}
	}

	/**
	 * A handler of the erasure's notice on another instance rebuilds its copy from the
	 * events right away (the sample's receipts do): what it reads then is erased, though
	 * that instance decrypted the same value a moment before and still had the key
	 * cached. Found by two instances of the sample on one database: the rewritten receipt
	 * kept the e-mail.
	 */
	@Test
	void anInstanceThatReadsAnErasuresNoticeReadsTheSubjectErasedAtOnce() throws Exception {
		try (TwoInstances instances = TwoInstances.on(EmbeddedPostgresServer.freshPrefix())) {
			EventStore one = instances.one();
			EventStore other = instances.other();
			one.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice Secret", "alice@example.org")));
			one.append("c-2", NewEvent.of(new CustomerRegistered("c-2", "Bob Secret", "bob@example.org")));
			List<String> seenBySubscriber = new CopyOnWriteArrayList<>();
			CountDownLatch noticed = new CountDownLatch(1);
			Subscription subscription = other.subscribe(other.lastPosition() + 1, (event) -> {
				if (event.type().equals(PersonalDataErased.TYPE) && noticed.getCount() > 0
						&& event.payload(PersonalDataErased.class).subject().equals(reference("c-2"))) {
					seenBySubscriber.add(other.readStream("c-2").get(0).payload(CustomerRegistered.class).email());
					noticed.countDown();
				}
			});
			try {
				// Both decrypted, both keys cached on the other instance.
				assertThat(other.readStream("c-1").get(0).payload(CustomerRegistered.class).email())
					.isEqualTo("alice@example.org");
				assertThat(other.readStream("c-2").get(0).payload(CustomerRegistered.class).email())
					.isEqualTo("bob@example.org");

				assertThat(one.erasePersonalData("c-1")).isTrue();
				assertThat(other.readStream(PersonalDataErased.STREAM)).hasSize(1);
				assertThat(other.readStream("c-1").get(0).payload(CustomerRegistered.class))
					.as("read right after the notice")
					.isEqualTo(new CustomerRegistered("c-1", null, "[erased]"));

				assertThat(one.erasePersonalData("c-2")).isTrue();
				assertThat(noticed.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(seenBySubscriber).as("read by a subscriber handed the notice").containsExactly("[erased]");
			}
			finally {
				subscription.close();
			}
		}
	}

	private static String reference(String subjectId) {
		return PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore()).subjectReference(subjectId);
	}

	@Test
	void aLargeKeyTableIsNeitherScannedForNotesAtOpenNorCountedForTheStatus() throws SQLException {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			store(pool, prefix, MASTER_KEY).close();
			PostgresSubjectKeyStore keys = PostgresSubjectKeyStore.of(pool, prefix);
			String table = prefix + "subject_keys";
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				// Autovacuum would refresh the statistics this test holds still.
				statement.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
				statement
					.execute("INSERT INTO " + table + " (subject, wrapped_key) SELECT encode(sha256(i::TEXT::BYTEA),"
							+ " 'hex'), '\\x00'::BYTEA FROM generate_series(1, 20000) i");
			}
			List<String> erased = List.of(reference(1), reference(2), reference(3));
			for (String reference : erased) {
				assertThat(keys.erase(reference)).isTrue();
			}
			assertThat(keys.size()).as("counted while the statistics know nothing").isEqualTo(19_997);
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("ANALYZE " + table);
				statement
					.execute("INSERT INTO " + table + " (subject, wrapped_key) SELECT encode(sha256(i::TEXT::BYTEA),"
							+ " 'hex'), '\\x00'::BYTEA FROM generate_series(20001, 25000) i");
				try (ResultSet index = statement.executeQuery(
						"SELECT indexdef FROM pg_indexes WHERE indexname = '" + prefix + "subject_keys_erased'")) {
					assertThat(index.next()).as("the notes' index").isTrue();
					assertThat(index.getString(1)).contains("WHERE starts_with(subject, 'erased:'::text)");
				}
			}
			assertThat(keys.size()).as("the statistics' estimate, not a count of 25,000 rows").isEqualTo(19_997);
			assertThat(keys.pendingErasures()).containsExactlyInAnyOrderElementsOf(erased);
		}
	}

	/** What the test's SQL names its keys: the SHA-256 of the number's digits, in hex. */
	private static String reference(int i) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256")
					.digest(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void theKeyTableListsEveryKeyForACopyButNotTheErasuresNotes() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			EmbeddedPostgresServer.journal(pool, prefix).close();
			PostgresSubjectKeyStore keys = PostgresSubjectKeyStore.of(pool, prefix);
			for (int i = 0; i < 2_500; i++) {
				keys.putIfAbsent("%064x".formatted(i), new byte[] { (byte) i, 1, 2 });
			}
			assertThat(keys.erase("%064x".formatted(7))).isTrue();
			Map<String, byte[]> listed = new HashMap<>();
			keys.forEachKey(listed::put);
			assertThat(listed).hasSize(2_499).doesNotContainKey("%064x".formatted(7));
			assertThat(listed.keySet()).noneMatch((subject) -> subject.startsWith("erased:"));
			assertThat(listed.get("%064x".formatted(300))).containsExactly((byte) 300, 1, 2);
		}
	}

	@Test
	void anErasureInsideTheCallersTransactionIsRefusedAndErasesNothing() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			JdbcTransactions transactions = new JdbcTransactions(pool);
			try (EventStore store = EventStore.builder()
				.journal(PostgresJournal.builder(pool)
					.tablePrefix(prefix)
					.initializeSchema(true)
					.appendConnections(transactions)
					.build())
				.eventTypes(EventTypes.of(CustomerRegistered.class))
				.personalData(PersonalDataProtection.of(MASTER_KEY, PostgresSubjectKeyStore.of(pool, prefix)))
				.build()) {
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice", "alice@example.org")));
				transactions.inTransaction(
						() -> assertThatIllegalStateException().isThrownBy(() -> store.erasePersonalData("c-1"))
							.withMessageContaining("cannot run inside a transaction"));
				assertThat(store.readStream("c-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", "Alice", "alice@example.org"));
				assertThat(store.readStream(PersonalDataErased.STREAM)).isEmpty();

				assertThat(store.erasePersonalData("c-1")).isTrue();
				assertThat(store.readStream("c-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", null, "[erased]"));
				assertThat(store.readStream(PersonalDataErased.STREAM)).hasSize(1);
			}
		}
	}

	@Test
	void aRetryOfAnAppendWithPersonalDataIsAnsweredWithTheStoredEventsOnEveryInstance() {
		try (TwoInstances instances = TwoInstances.on(EmbeddedPostgresServer.freshPrefix())) {
			NewEvent single = NewEvent.of(new CustomerRegistered("c-1", "Alice", "alice@example.org"))
				.withId(UUID.randomUUID());
			List<NewEvent> batch = List.of(
					NewEvent.of(new CustomerRegistered("c-2", "Bob", "bob@example.org")).withId(UUID.randomUUID()),
					NewEvent.of(new CustomerRegistered("c-2", "Bob B", "bob@example.org")).withId(UUID.randomUUID()));
			instances.one().appendBatch("c-1", List.of(single), ExpectedVersion.noStream());
			instances.one().appendBatch("c-2", batch, ExpectedVersion.noStream());
			for (EventStore store : List.of(instances.one(), instances.other())) {
				assertThat(store.appendBatch("c-1", List.of(single), ExpectedVersion.noStream()).isDuplicate())
					.isTrue();
				assertThat(store.appendBatch("c-2", batch, ExpectedVersion.noStream()).isDuplicate()).isTrue();
			}
			assertThat(instances.other().lastPosition()).isEqualTo(3);
		}
	}

	@Test
	void aWrongMasterKeyIsRefusedByTheSharedCheckValue() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			try (EventStore store = store(pool, prefix, MASTER_KEY)) {
				store.append("c-1", NewEvent.of(new CustomerRegistered("c-1", "Alice", "a@example.org")));
			}
			byte[] other = MASTER_KEY.clone();
			other[5] ^= 1;
			assertThatIllegalArgumentException()
				.isThrownBy(() -> PersonalDataProtection.of(other, PostgresSubjectKeyStore.of(pool, prefix)))
				.withMessageContaining(prefix + "subject_keys");
		}
	}

	@Test
	void aSchemaWithoutTheKeyTablesSaysWhichScriptToApply() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> PostgresSubjectKeyStore.of(pool, "missing_").checkValue())
				.withMessageContaining("V8__subject_keys.sql");
		}
	}

	private static byte[] sha256(byte[] bytes) throws NoSuchAlgorithmException {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

}
