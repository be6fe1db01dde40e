package dev.eventstore.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances (child JVMs, each its own pool and store) on one PostgreSQL
 * schema register customers and erase them, each erasing its own customers and some of
 * the other's, the same customer now and then by both at once; both are killed with
 * SIGKILL at random moments, a few rounds by default, many with
 * {@code -Deventstore.torture=true}. Each instance reports, with the machine's monotonic
 * clock (one clock for every process here), when each registration was acknowledged and
 * when each erasure began and returned. After every round: every customer registered
 * before an erasure of it that destroyed a key began reads as the replacement; every
 * customer no erasure touched reads whole; every customer that reads erased is announced,
 * and no erasure is announced twice; the log is gapless and no table holds a plain value.
 */
class PostgresErasureKillTests {

	private static final boolean TORTURE = Boolean.getBoolean("eventstore.torture");

	static final byte[] MASTER_KEY = "pg-kill-test-master-key-32-bytes".getBytes(StandardCharsets.US_ASCII);

	static final String ERASED = "[erased]";

	@EventType("Registered")
	record Registered(String customerId, @PersonalData(subject = "customerId", replacement = ERASED) String email) {
	}

	static EventStore open(HikariDataSource pool, String prefix) {
		return EventStore.builder()
			.journal(PostgresJournal.builder(pool).tablePrefix(prefix).initializeSchema(true).build())
			.eventTypes(EventTypes.of(Registered.class))
			.personalData(PersonalDataProtection.of(MASTER_KEY, PostgresSubjectKeyStore.of(pool, prefix)))
			.build();
	}

	static String email(String customer) {
		return customer + "@example.org";
	}

	/** What the instances said, across every round. */
	static final class Log {

		/** Customer → when its registration was acknowledged. */
		final Map<String, Long> registered = new ConcurrentHashMap<>();

		/** Customer → how many erasures of it began. */
		final Map<String, Integer> erasuresBegun = new ConcurrentHashMap<>();

		/** Erasures that destroyed a key: customer and when they began. */
		final ConcurrentLinkedQueue<Erasure> keysDestroyed = new ConcurrentLinkedQueue<>();

		/** Erasures begun, customer → when, for those still unanswered. */
		final Map<String, Long> begun = new ConcurrentHashMap<>();

		void line(String instance, String line) {
			String[] parts = line.split(" ");
			switch (parts[0]) {
				case "registered" -> this.registered.put(parts[1], Long.parseLong(parts[2]));
				case "erasing" -> {
					this.erasuresBegun.merge(parts[1], 1, Integer::sum);
					this.begun.put(instance + "/" + parts[1], Long.parseLong(parts[2]));
				}
				case "erased" -> {
					Long began = this.begun.remove(instance + "/" + parts[1]);
					if (Boolean.parseBoolean(parts[2])) {
						this.keysDestroyed.add(new Erasure(parts[1], began));
					}
				}
				default -> throw new IllegalStateException("An instance said: " + line);
			}
		}

	}

	record Erasure(String customer, long began) {
	}

	@TempDir
	Path dir;

	@Test
	void acknowledgedErasuresHoldAndEachIsAnnouncedOnceWhenTwoInstancesAreKilled() throws Exception {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		int rounds = TORTURE ? 30 : 3;
		Random random = new Random();
		Log log = new Log();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(4)) {
			for (int round = 0; round < rounds; round++) {
				List<Process> children = new ArrayList<>();
				Map<String, Path> reports = new HashMap<>();
				for (String instance : List.of("a", "b")) {
					String other = instance.equals("a") ? "b" : "a";
					Path report = this.dir.resolve(instance + round + ".log");
					reports.put(instance, report);
					children.add(ChildJvm.start(Instance.class, List.of("-Xmx128m"), EmbeddedPostgresServer.jdbcUrl(),
							prefix, instance + round, other + round, report.toString()));
				}
				Path mine = reports.get("a");
				await().atMost(Duration.ofSeconds(60))
					.until(() -> Files.exists(mine) && Files.readAllLines(mine)
						.stream()
						.filter((line) -> line.startsWith("registered"))
						.count() > 30);
				for (Process child : children) {
					Thread.sleep(random.nextInt(TORTURE ? 300 : 150));
					child.destroyForcibly();
				}
				for (Process child : children) {
					assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
				}
				// Read once both are dead: each line went to the file in one write, so
				// none
				// is lost to a kill (a pipe's tail was, now and then); a line the kill
				// cut
				// short has no line end and is dropped.
				for (Map.Entry<String, Path> report : reports.entrySet()) {
					String text = Files.readString(report.getValue());
					String whole = text.substring(0, text.lastIndexOf('\n') + 1);
					whole.lines().forEach((line) -> log.line(report.getKey(), line));
				}
				log.begun.clear();
				try (EventStore store = open(pool, prefix)) {
					check(store, log, round);
				}
				assertNoPlainValue(pool, prefix, round);
			}
		}
	}

	private static void check(EventStore store, Log log, int round) {
		PersonalDataProtection protection = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore());
		Map<String, Integer> notices = new HashMap<>();
		for (StoredEvent notice : store.readStream(PersonalDataErased.STREAM)) {
			notices.merge(notice.payload(PersonalDataErased.class).subject(), 1, Integer::sum);
		}
		Map<String, String> read = new HashMap<>();
		long position = 0;
		for (StoredEvent event : store.readAll(1, Integer.MAX_VALUE)) {
			assertThat(event.position()).as("round %d: gapless", round).isEqualTo(++position);
			if (event.type().equals("Registered")) {
				Registered registered = event.payload(Registered.class);
				assertThat(read.put(registered.customerId(), registered.email()))
					.as("round %d: %s registered once", round, registered.customerId())
					.isNull();
			}
		}
		assertThat(log.registered.keySet()).as("round %d: every acknowledged registration stored", round)
			.allSatisfy((customer) -> assertThat(read).containsKey(customer));
		for (Erasure erasure : log.keysDestroyed) {
			Long registered = log.registered.get(erasure.customer());
			if (registered != null && registered < erasure.began()) {
				assertThat(read.get(erasure.customer()))
					.as("round %d: %s was erased after it was registered", round, erasure.customer())
					.isEqualTo(ERASED);
			}
		}
		for (Map.Entry<String, String> customer : read.entrySet()) {
			String reference = protection.subjectReference(customer.getKey());
			int begun = log.erasuresBegun.getOrDefault(customer.getKey(), 0);
			if (begun == 0) {
				assertThat(customer.getValue()).as("round %d: %s was never erased", round, customer.getKey())
					.isEqualTo(email(customer.getKey()));
			}
			else if (customer.getValue().equals(ERASED)) {
				assertThat(notices).as("round %d: the erasure of %s is announced", round, customer.getKey())
					.containsKey(reference);
			}
			// Each erasure that began destroys at most one key, announced once: a kill,
			// or
			// the other instance seeing the erasure pending, announces no key twice.
			assertThat(notices.getOrDefault(reference, 0))
				.as("round %d: notices of %s, of which %d erasures began", round, customer.getKey(), begun)
				.isLessThanOrEqualTo(begun);
		}
	}

	private static void assertNoPlainValue(HikariDataSource pool, String prefix, int round) throws Exception {
		// Each row as text: a text or JSON column as it is, a byte column in hex.
		String hex = HexFormat.of().formatHex("@example.org".getBytes(StandardCharsets.UTF_8));
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			List<String> tables = PostgresPersonalDataTests.tables(statement, prefix);
			assertThat(tables).contains(prefix + "events", prefix + "subject_keys");
			for (String table : tables) {
				try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table + " t WHERE t::text LIKE "
						+ "'%@example.org%' OR t::text LIKE '%" + hex + "%'")) {
					rs.next();
					assertThat(rs.getLong(1)).as("round %d: rows of %s holding an e-mail", round, table).isZero();
				}
			}
		}
	}

	/**
	 * One instance: registers customers named after it, erasing every second one, and
	 * every third customer of the other instance (some already erased, some not yet
	 * registered); prints each step with the monotonic clock. Arguments: JDBC URL, table
	 * prefix, this instance's name, the other's.
	 */
	static final class Instance {

		private static Path report;

		public static void main(String[] args) {
			String me = args[2];
			String other = args[3];
			report = Path.of(args[4]);
			try (HikariDataSource pool = EmbeddedPostgresServer.pool(args[0], 4);
					EventStore store = open(pool, args[1])) {
				for (int i = 0;; i++) {
					String customer = me + "-c" + i;
					store.append("customer-" + customer, NewEvent.of(new Registered(customer, email(customer))));
					say("registered " + customer);
					if (i % 2 == 0) {
						erase(store, customer);
					}
					if (i % 3 == 0) {
						erase(store, other + "-c" + i);
					}
				}
			}
		}

		private static void erase(EventStore store, String customer) {
			say("erasing " + customer + " " + System.nanoTime());
			boolean destroyed = store.erasePersonalData(customer);
			say("erased " + customer + " " + destroyed);
		}

		private static void say(String what) {
			String line = what.startsWith("registered") ? what + " " + System.nanoTime() : what;
			try {
				// One write a line, appended: a kill keeps every line written before it.
				Files.writeString(report, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
