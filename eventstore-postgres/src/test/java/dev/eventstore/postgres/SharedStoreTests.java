package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.Concurrently;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventLogAssertions;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Several application instances, each with its own pool and store, sharing one PostgreSQL
 * journal.
 */
class SharedStoreTests {

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private EventStore instance() {
		HikariDataSource pool = EmbeddedPostgresServer.pool(10);
		EventStore store = EventStore.builder().journal(EmbeddedPostgresServer.journal(pool, this.prefix)).build();
		this.resources.add(pool);
		this.resources.add(0, store);
		return store;
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void twoInstancesActAsOneStore() throws Exception {
		EventStore a = instance();
		EventStore b = instance();
		ExecutorService pool = Executors.newFixedThreadPool(6);
		AtomicInteger conflicts = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 6; t++) {
			EventStore store = (t % 2 == 0) ? a : b;
			int thread = t;
			futures.add(pool.submit(() -> {
				for (int i = 0; i < 40; i++) {
					store.appendBatch("own-" + thread, List.of(NewEvent.of("A", Map.of()), NewEvent.of("B", Map.of())));
					long version = store.streamVersion("shared");
					try {
						store.append("shared", NewEvent.of("Guarded", Map.of("t", thread)),
								ExpectedVersion.exactly(version));
					}
					catch (ConcurrencyConflictException ex) {
						conflicts.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(120, TimeUnit.SECONDS);
		}
		pool.shutdown();
		List<StoredEvent> fromA = a.readAll(1, 10_000);
		assertThat(fromA).isEqualTo(b.readAll(1, 10_000));
		EventLogAssertions.assertConsistentLog(fromA);
		assertThat(fromA).hasSize(6 * 40 * 2 + (6 * 40 - conflicts.get()));
		assertThat(a.lastPosition()).isEqualTo(b.lastPosition()).isEqualTo(fromA.size());
	}

	@Test
	void conflictIsRaisedWhicheverInstanceWroteFirst() {
		EventStore a = instance();
		EventStore b = instance();
		a.append("order-1", NewEvent.of("Placed", Map.of()), ExpectedVersion.noStream());
		assertThatException()
			.isThrownBy(() -> b.append("order-1", NewEvent.of("Placed", Map.of()), ExpectedVersion.noStream()))
			.isInstanceOfSatisfying(ConcurrencyConflictException.class,
					(ex) -> assertThat(ex.actualVersion()).isEqualTo(1));
		b.append("order-1", NewEvent.of("Paid", Map.of()), ExpectedVersion.exactly(1));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> a.append("order-1", NewEvent.of("Paid", Map.of()), ExpectedVersion.exactly(1)));
		assertThat(a.readStream("order-1")).extracting(StoredEvent::type).containsExactly("Placed", "Paid");
	}

	@Test
	void subscribersReceiveOtherInstancesEventsOnceInOrder() throws Exception {
		EventStore a = instance();
		EventStore b = instance();
		a.append("early", NewEvent.of("Before", Map.of()));
		List<Long> live = Collections.synchronizedList(new ArrayList<>());
		List<Long> catchUp = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(2);
		b.subscribe((e) -> {
			live.add(e.position());
			if (e.position() == 101) {
				done.countDown();
			}
		});
		b.subscribe(1, (e) -> {
			catchUp.add(e.position());
			if (e.position() == 101) {
				done.countDown();
			}
		});
		for (int i = 0; i < 100; i++) {
			(i % 3 == 0 ? b : a).append("s-" + (i % 4), NewEvent.of("E", Map.of("i", i)));
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).as("both subscriptions reached position 101").isTrue();
		// And nothing more arrives: no event twice.
		await().during(java.time.Duration.ofMillis(300))
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> live.size() == 100 && catchUp.size() == 101);
		assertThat(live).isEqualTo(range(2, 101));
		assertThat(catchUp).isEqualTo(range(1, 101));
	}

	@Test
	void otherInstancesCommitsAreAnnouncedByNotify() throws Exception {
		HikariDataSource listenerPool = EmbeddedPostgresServer.pool(2);
		this.resources.add(listenerPool);
		PostgresJournal listening = EmbeddedPostgresServer.journal(listenerPool, this.prefix);
		CountDownLatch notified = new CountDownLatch(1);
		AutoCloseable watch = listening.watchCommits(notified::countDown);
		try {
			EventStore writer = instance();
			// The listener connects on its own thread; keep committing until it hears
			// one.
			for (int i = 0; i < 100 && notified.getCount() > 0; i++) {
				writer.append("s", NewEvent.of("E", Map.of()));
				notified.await(100, TimeUnit.MILLISECONDS);
			}
			assertThat(notified.getCount()).as("a NOTIFY reached the other instance").isZero();
		}
		finally {
			watch.close();
		}
	}

	@Test
	void readerPollingByPositionNeverSkipsAnEventCommittedLate() throws Exception {
		EventStore writer = instance();
		HikariDataSource readerPool = EmbeddedPostgresServer.pool(2);
		this.resources.add(readerPool);
		PostgresJournal reader = EmbeddedPostgresServer.journal(readerPool, this.prefix);
		int writers = 8;
		int perWriter = 60;
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicReference<String> problem = new AtomicReference<>();
		List<Long> seen = new ArrayList<>();
		Thread poller = new Thread(() -> {
			long last = 0;
			while (problem.get() == null && (writing.get() || last < writers * perWriter)) {
				for (StoredEvent event : reader.readAll(last + 1, 50)) {
					if (event.position() != last + 1) {
						problem.set("saw " + event.position() + " after " + last);
						return;
					}
					last = event.position();
					seen.add(last);
				}
			}
		});
		poller.start();
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<?>> futures = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			int id = w;
			futures.add(pool.submit(() -> {
				for (int i = 0; i < perWriter; i++) {
					writer.append("w-" + id, NewEvent.of("E", Map.of("i", i)));
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(120, TimeUnit.SECONDS);
		}
		pool.shutdown();
		writing.set(false);
		poller.join(60_000);
		assertThat(problem.get()).isNull();
		assertThat(seen).isEqualTo(range(1, writers * perWriter));
	}

	@Test
	void connectionDroppedMidAppendStoresNothingAndSaysSo() throws Exception {
		EventStore store = instance();
		store.append("s", NewEvent.of("Before", Map.of()));
		try (HikariDataSource admin = EmbeddedPostgresServer.pool(2); Connection holder = admin.getConnection()) {
			holder.setAutoCommit(false);
			int holderPid;
			try (Statement statement = holder.createStatement()) {
				statement.executeQuery("SELECT last_position FROM " + this.prefix + "head WHERE id = 1 FOR UPDATE")
					.close();
				ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()");
				rs.next();
				holderPid = rs.getInt(1);
			}
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread appender = new Thread(() -> {
				try {
					store.appendBatch("s", List.of(NewEvent.of("Lost", Map.of()), NewEvent.of("Lost", Map.of())));
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			appender.start();
			try (Connection killer = admin.getConnection(); Statement statement = killer.createStatement()) {
				java.util.concurrent.atomic.AtomicInteger killed = new java.util.concurrent.atomic.AtomicInteger();
				// Once the append waits for the head row's lock, terminate its backend.
				await().pollInterval(java.time.Duration.ofMillis(25))
					.atMost(java.time.Duration.ofSeconds(5))
					.until(() -> {
						try (ResultSet rs = statement
							.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
									+ "WHERE wait_event_type = 'Lock' AND query LIKE '%" + this.prefix
									+ "append(%' AND pid <> " + holderPid)) {
							while (rs.next()) {
								killed.incrementAndGet();
							}
						}
						return killed.get() > 0;
					});
				assertThat(killed).as("the blocked append's backend was terminated").hasValue(1);
			}
			appender.join(30_000);
			holder.rollback();
			assertThat(failure.get()).isInstanceOf(EventStoreException.class)
				.hasMessageContaining("stream 's'")
				.hasMessageContaining("SQL state")
				.hasMessageContaining("nothing was stored");
		}
		assertThat(store.readStream("s")).extracting(StoredEvent::type).containsExactly("Before");
		assertThat(store.append("s", NewEvent.of("After", Map.of())).position()).isEqualTo(2);
	}

	@Test
	void oneCallersFailingStatementFailsOnlyThatCaller() throws Exception {
		EventStore store = instance();
		// A statement failure that no validation can foresee: the database refuses one
		// stream's rows.
		try (HikariDataSource admin = EmbeddedPostgresServer.pool(1);
				Connection connection = admin.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE FUNCTION " + this.prefix + "refuse() RETURNS trigger LANGUAGE plpgsql AS "
					+ "$$ BEGIN RAISE EXCEPTION 'poisoned stream %', NEW.stream_id; END $$");
			statement.execute("CREATE TRIGGER " + this.prefix + "refuse BEFORE INSERT ON " + this.prefix
					+ "events FOR EACH ROW WHEN (NEW.stream_id LIKE 'poison%') EXECUTE FUNCTION " + this.prefix
					+ "refuse()");
		}
		int threads = 8;
		int perThread = 250;
		AtomicInteger poisonFailures = new AtomicInteger();
		List<Throwable> otherFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
		Concurrently.run(threads, perThread, (thread, i) -> {
			if (thread == 0 && i % 5 == 0) {
				try {
					store.append("poison-" + i, NewEvent.of("Bad", Map.of()));
					otherFailures.add(new AssertionError("a poisoned append succeeded"));
				}
				catch (EventStoreException ex) {
					assertThat(ex).hasMessageContaining("poisoned stream").hasMessageContaining("nothing was stored");
					poisonFailures.incrementAndGet();
				}
				return;
			}
			try {
				store.append("good-" + thread, NewEvent.of("Good", Map.of("i", i)));
			}
			catch (RuntimeException ex) {
				otherFailures.add(ex);
			}
		});
		assertThat(otherFailures).isEmpty();
		assertThat(poisonFailures).hasValue(perThread / 5);
		int good = threads * perThread - perThread / 5;
		assertThat(store.lastPosition()).isEqualTo(good);
		assertThat(store.readAll(1, good + 10)).extracting(StoredEvent::position).isEqualTo(range(1, good));
		for (int thread = 1; thread < threads; thread++) {
			assertThat(store.streamVersion("good-" + thread)).isEqualTo(perThread);
		}
	}

	@Test
	void aHugeStreamIdIsRefusedBeforeAnyGroupWithABoundedMessage() throws Exception {
		EventStore store = instance();
		String huge = "h".repeat(20_000);
		AtomicInteger refused = new AtomicInteger();
		Concurrently.run(8, 100, (thread, i) -> {
			if (thread == 0) {
				assertThatIllegalArgumentException().isThrownBy(() -> store.append(huge, NewEvent.of("E", Map.of())))
					.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300)
						.contains("20000 characters")
						.contains("limit of 512"));
				refused.incrementAndGet();
			}
			else {
				store.append("s-" + thread, NewEvent.of("E", Map.of()));
			}
		});
		assertThat(refused).hasValue(100);
		assertThat(store.lastPosition()).isEqualTo(700);
	}

	@Test
	void streamIdsAreDataNeverSql() {
		EventStore store = instance();
		String nasty = "o'brien\"; DROP TABLE " + this.prefix + "events; --";
		store.append(nasty, NewEvent.of("E", Map.of("q", "'; SELECT 1; --")));
		assertThat(store.readStream(nasty)).singleElement()
			.satisfies((e) -> assertThat(e.data()).containsEntry("q", "'; SELECT 1; --"));
		assertThatIllegalArgumentException().isThrownBy(() -> store.append("nul\0id", NewEvent.of("E", Map.of())))
			.withMessageContaining("NUL");
		assertThat(store.lastPosition()).isEqualTo(1);
	}

	private static List<Long> range(long from, long to) {
		List<Long> values = new ArrayList<>();
		for (long i = from; i <= to; i++) {
			values.add(i);
		}
		return values;
	}

}
