package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorSegments;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.RetriesExhausted;
import dev.eventstore.processor.RetryPolicy;
import dev.eventstore.processor.SegmentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Segmented processors on PostgreSQL with a transactional handler: exactly one effect row
 * per event, each stream's rows in version order; parked events kept in the journal's
 * schema across a restart and retried with exactly-once effects; two instances balancing
 * the segments through advisory locks.
 */
class PostgresSegmentsTests {

	private static final Duration WAIT = Duration.ofSeconds(90);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	@RegisterExtension
	final OpenResources open = new OpenResources();

	private EventStore store(HikariDataSource pool) {
		return this.open.keep(EventStore.builder().journal(EmbeddedPostgresServer.journal(pool, this.prefix)).build());
	}

	/** 10,000 events over 500 streams, in batches of 10 to random streams. */
	private static void appendRandomly(EventStore store) {
		Random random = new Random(12);
		for (int b = 0; b < 1_000; b++) {
			List<NewEvent> batch = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				batch.add(NewEvent.of("Happened", Map.of("i", i)));
			}
			store.appendBatch("stream-" + random.nextInt(500), batch);
		}
	}

	private void createRows(HikariDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + this.prefix
					+ "rows (position BIGINT NOT NULL, stream_id TEXT NOT NULL, version BIGINT NOT NULL, "
					+ "seq BIGSERIAL)");
		}
	}

	/** Inserts a row per event in the checkpoint's transaction, after a random pause. */
	private EventHandler rowWriter(JdbcTransactions transactions, Set<String> poisoned) {
		String insert = "INSERT INTO " + this.prefix + "rows (position, stream_id, version) VALUES (?, ?, ?)";
		return (event, delivery) -> {
			if (poisoned.contains(event.streamId()) && event.version() == 2) {
				throw new IllegalStateException("poison in " + event.streamId());
			}
			try (PreparedStatement row = transactions.current().prepareStatement(insert)) {
				row.setLong(1, event.position());
				row.setString(2, event.streamId());
				row.setLong(3, event.version());
				row.executeUpdate();
			}
			LockSupport.parkNanos(1_000L * ThreadLocalRandom.current().nextInt(100));
		};
	}

	private Processor.Builder processor(HikariDataSource pool, EventStore store, int segments, Set<String> poisoned) {
		JdbcTransactions transactions = new JdbcTransactions(pool);
		return Processor.builder("rows", store, rowWriter(transactions, poisoned))
			.segments(segments)
			.checkpoints(PostgresCheckpointStore.transactional(transactions, this.prefix))
			.transactions(transactions)
			.ownership(new PostgresProcessorOwnership(pool, this.prefix))
			.ownershipCheck(Duration.ofMillis(200));
	}

	/** Each stream's versions in the order their rows were inserted. */
	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 8 })
	void everyEventHasExactlyOneRowAndEachStreamsRowsAreInVersionOrder(int segments) throws Exception {
		HikariDataSource pool = this.open.keep(EmbeddedPostgresServer.pool(segments + 4));
		EventStore store = store(pool);
		createRows(pool);
		appendRandomly(store);
		Processor processor = this.open.keep(processor(pool, store, segments, Set.of()).build().start());
		assertThat(processor.awaitHandled(10_000, WAIT)).isTrue();
		RowsTable.assertOneRowPerEventInStreamOrder(pool, this.prefix, store, 10_000);
		assertThat(processor.status().segments()).hasSize(segments)
			.allSatisfy((s) -> assertThat(s.owner()).isEqualTo(processor.status().segments().get(0).owner()));
	}

	@Test
	void parkedEventsLiveInTheSchemaAcrossARestartAndARetryWritesTheirRowsOnceInOrder() throws Exception {
		HikariDataSource pool = this.open.keep(EmbeddedPostgresServer.pool(8));
		EventStore store = store(pool);
		createRows(pool);
		for (int v = 1; v <= 3; v++) {
			for (String stream : List.of("a", "b", "c")) {
				store.append(stream, NewEvent.of("Happened", Map.of("v", v)));
			}
		}
		Set<String> poisoned = ConcurrentHashMap.newKeySet();
		poisoned.add("b");
		try (Processor first = processor(pool, store, 2, poisoned).retry(RetryPolicy.none())
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.build()
			.start()) {
			assertThat(first.awaitHandled(9, WAIT)).isTrue();
			assertThat(first.parked()).extracting(ParkedEvent::position).containsExactly(5L, 8L);
		}
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT processor, position, attempts FROM " + this.prefix
						+ "parked_events ORDER BY position")) {
			String segment = "rows.segment-" + ProcessorSegments.of("b", 2) + "-of-2";
			assertThat(rows.next()).isTrue();
			assertThat(List.of(rows.getString(1), rows.getLong(2), rows.getInt(3))).containsExactly(segment, 5L, 1);
			assertThat(rows.next()).isTrue();
			assertThat(List.of(rows.getString(1), rows.getLong(2), rows.getInt(3))).containsExactly(segment, 8L, 0);
		}
		Processor second = this.open.keep(processor(pool, store, 2, poisoned).retry(RetryPolicy.none())
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.build()
			.start());
		await().atMost(WAIT).until(() -> second.status().parked() == 2);
		poisoned.clear();
		second.retryParked(5);
		assertThat(second.parked()).isEmpty();
		RowsTable.assertOneRowPerEventInStreamOrder(pool, this.prefix, store, 9);
		assertThat(RowsTable.byStream(pool, this.prefix).get("b")).containsExactly(1L, 2L, 3L);
	}

	@Test
	void twoInstancesSplitTheSegmentsAndShowEachOthersAsOwners() throws Exception {
		HikariDataSource poolA = this.open.keep(EmbeddedPostgresServer.pool(6));
		HikariDataSource poolB = this.open.keep(EmbeddedPostgresServer.pool(6));
		EventStore storeA = store(poolA);
		EventStore storeB = store(poolB);
		createRows(poolA);
		appendRandomly(storeA);
		Processor a = this.open.keep(processor(poolA, storeA, 8, Set.of()).build().start());
		await().atMost(WAIT).until(() -> owned(a) == 8);
		Processor b = this.open.keep(processor(poolB, storeB, 8, Set.of()).build().start());
		await().atMost(WAIT).until(() -> owned(a) == 4 && owned(b) == 4);
		String ownerA = a.status()
			.segments()
			.stream()
			.filter((s) -> s.state() != ProcessorState.NOT_OWNER)
			.findFirst()
			.orElseThrow()
			.owner();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(b.status().segments()).extracting(SegmentStatus::owner)
				.filteredOn(ownerA::equals)
				.hasSize(4));
		assertThat(b.awaitHandled(10_000, WAIT)).isTrue();
		assertThat(a.awaitHandled(10_000, WAIT)).isTrue();
		RowsTable.assertOneRowPerEventInStreamOrder(poolA, this.prefix, storeA, 10_000);
	}

	private static long owned(Processor processor) {
		return processor.status().segments().stream().filter((s) -> s.state() != ProcessorState.NOT_OWNER).count();
	}

}
