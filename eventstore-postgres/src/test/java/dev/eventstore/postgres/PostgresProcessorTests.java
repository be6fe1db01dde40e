package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointConflictException;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** Processors on a PostgreSQL journal shared by several instances. */
class PostgresProcessorTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	@RegisterExtension
	final OpenResources open = new OpenResources();

	/** One application instance: its own pool and store. */
	private final class Instance {

		final HikariDataSource pool = PostgresProcessorTests.this.open.keep(EmbeddedPostgresServer.pool(5));

		final EventStore store = PostgresProcessorTests.this.open.keep(EventStore.builder()
			.journal(EmbeddedPostgresServer.journal(this.pool, PostgresProcessorTests.this.prefix))
			.build());

		final List<Long> handled = new CopyOnWriteArrayList<>();

		Processor processor(String name) {
			return PostgresProcessorTests.this.open
				.keep(Processor.builder(name, this.store, (event, delivery) -> this.handled.add(event.position()))
					.checkpoints(PostgresCheckpointStore.of(this.pool, PostgresProcessorTests.this.prefix))
					.ownership(new PostgresProcessorOwnership(this.pool, PostgresProcessorTests.this.prefix))
					.ownershipCheck(Duration.ofMillis(100))
					.checkpointEvery(10, Duration.ofMillis(100))
					.build());
		}

	}

	private static void append(EventStore store, int count) {
		for (int i = 0; i < count; i++) {
			store.append("s-" + (i % 5), NewEvent.of("Happened", Map.of("i", i)));
		}
	}

	@Test
	void checkpointsLiveInTheJournalsSchemaAndMoveOnlyByCompareAndSet() throws Exception {
		Instance instance = new Instance();
		PostgresCheckpointStore checkpoints = PostgresCheckpointStore.of(instance.pool, this.prefix);
		assertThat(checkpoints.load("p")).isEmpty();
		checkpoints.save("p", null, new Checkpoint(5, 0));
		checkpoints.save("p", new Checkpoint(5, 0), new Checkpoint(9, 3));
		assertThat(checkpoints.load("p")).contains(new Checkpoint(9, 3));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> checkpoints.save("p", new Checkpoint(5, 0), new Checkpoint(6, 0)))
			.withMessageContaining(this.prefix + "checkpoints")
			.withMessageContaining("another instance moved it");
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> checkpoints.save("p", null, new Checkpoint(1, 0)));
		assertThat(checkpoints.load("p")).contains(new Checkpoint(9, 3));
		try (Connection connection = instance.pool.getConnection();
				Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT processor, position FROM " + this.prefix + "checkpoints")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getString(1)).isEqualTo("p");
			assertThat(rows.getLong(2)).isEqualTo(9);
		}
	}

	@Test
	void passedEventsParkWithTheCheckpointThatPassesThemAndASaveThatConflictsCommitsNeither() throws Exception {
		Instance instance = new Instance();
		PostgresCheckpointStore checkpoints = PostgresCheckpointStore.of(instance.pool, this.prefix);
		checkpoints.parkPassed("p", parked(1));
		checkpoints.parkPassed("p", parked(2));
		assertThat(parkedRows(instance)).as("one commit a save, not one a parked event").isZero();
		assertThat(checkpoints.parked("p")).as("listed here meanwhile")
			.extracting(ParkedEvent::position)
			.containsExactly(1L, 2L);

		checkpoints.save("p", null, new Checkpoint(2, 0));
		assertThat(parkedRows(instance)).isEqualTo(2);
		assertThat(checkpoints.load("p")).contains(new Checkpoint(2, 0));

		checkpoints.parkPassed("p", parked(3));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> checkpoints.save("p", new Checkpoint(1, 0), new Checkpoint(3, 0)));
		assertThat(parkedRows(instance)).as("rolled back with the checkpoint").isEqualTo(2);
		assertThat(checkpoints.parked("p")).as("the instance that moved it parks its own")
			.extracting(ParkedEvent::position)
			.containsExactly(1L, 2L);

		checkpoints.parkPassed("p", parked(4));
		ParkedEvent failedAgain = new ParkedEvent(4, "s", "E", 2, "failed again", Instant.EPOCH);
		checkpoints.park("p", failedAgain);
		assertThat(parkedRows(instance)).as("a replacement is committed at once").isEqualTo(3);
		checkpoints.save("p", new Checkpoint(2, 0), new Checkpoint(4, 0));
		assertThat(checkpoints.parked("p")).as("and is not overwritten by the earlier park").contains(failedAgain);

		checkpoints.unparkAll("p", List.of(1L, 2L, 4L));
		assertThat(parkedRows(instance)).as("in one statement").isZero();
		assertThat(checkpoints.parked("p")).isEmpty();
	}

	@Test
	void aSaveWhoseParkedEventsCannotBeWrittenSavesNoCheckpointAndTheNextSaveWritesThem() throws Exception {
		Instance instance = new Instance();
		PostgresCheckpointStore checkpoints = PostgresCheckpointStore.of(instance.pool, this.prefix);
		checkpoints.save("p", null, new Checkpoint(1, 0));
		checkpoints.parkPassed("p", parked(2));
		execute(instance, "ALTER TABLE " + this.prefix + "parked_events RENAME TO " + this.prefix + "parked_away");

		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> checkpoints.save("p", new Checkpoint(1, 0), new Checkpoint(2, 0)))
			.withMessageContaining("with 1 parked events")
			.withMessageContaining("apply V9__parked_events.sql");
		assertThat(checkpoints.load("p")).contains(new Checkpoint(1, 0));

		execute(instance, "ALTER TABLE " + this.prefix + "parked_away RENAME TO " + this.prefix + "parked_events");
		checkpoints.save("p", new Checkpoint(1, 0), new Checkpoint(2, 0));
		assertThat(parkedRows(instance)).isEqualTo(1);
		assertThat(checkpoints.load("p")).contains(new Checkpoint(2, 0));
	}

	private static void execute(Instance instance, String sql) throws Exception {
		try (Connection connection = instance.pool.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static ParkedEvent parked(long position) {
		return new ParkedEvent(position, "s", "E", 0, "held behind position 1", Instant.EPOCH);
	}

	private long parkedRows(Instance instance) throws Exception {
		try (Connection connection = instance.pool.getConnection();
				Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT count(*) FROM " + this.prefix + "parked_events")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@Test
	void aProcessorRunsOnExactlyOneInstanceAndMovesWhenItsOwnerStops() {
		Instance a = new Instance();
		Instance b = new Instance();
		append(a.store, 20);
		Processor onA = a.processor("shared").start();
		assertThat(onA.awaitHandled(20, WAIT)).isTrue();
		Processor onB = b.processor("shared").start();
		await().atMost(WAIT).until(() -> onB.status().state() == ProcessorState.NOT_OWNER);
		append(b.store, 10);
		assertThat(onA.awaitHandled(30, WAIT)).isTrue();
		await().atMost(WAIT).until(() -> onB.status().checkpoint() == 30);
		assertThat(b.handled).isEmpty();
		onA.close();
		append(a.store, 5);
		assertThat(onB.awaitHandled(35, WAIT)).isTrue();
		assertThat(a.handled).isEqualTo(positions(1, 30));
		assertThat(b.handled).isEqualTo(positions(31, 35));
	}

	@Test
	void aPauseSentToTheStandbyIsRefusedAndItsTakeoverRunsTheProcessor() {
		Instance a = new Instance();
		Instance b = new Instance();
		append(a.store, 5);
		Processor onA = a.processor("commanded").start();
		assertThat(onA.awaitHandled(5, WAIT)).isTrue();
		Processor onB = b.processor("commanded").start();
		await().atMost(WAIT).until(() -> onB.status().state() == ProcessorState.NOT_OWNER);
		assertThatIllegalStateException().isThrownBy(onB::pause).withMessageContaining("runs on another instance");
		assertThatIllegalStateException().isThrownBy(onB::resume).withMessageContaining("runs on another instance");
		onA.close();
		append(b.store, 3);
		assertThat(onB.awaitHandled(8, WAIT)).isTrue();
		assertThat(onB.status().state()).isIn(ProcessorState.RUNNING, ProcessorState.CATCHING_UP);
		assertThat(b.handled).isEqualTo(positions(6, 8));
	}

	@Test
	void aProcessorSurvivesTheDatabaseDroppingEveryConnection() throws Exception {
		Instance instance = new Instance();
		append(instance.store, 10);
		Processor processor = instance.processor("survivor").start();
		assertThat(processor.awaitHandled(10, WAIT)).isTrue();
		try (HikariDataSource admin = EmbeddedPostgresServer.pool(1);
				Connection connection = admin.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
					+ "WHERE pid <> pg_backend_pid() AND datname = current_database()");
		}
		// Appended by another instance: this one's pooled connections are dead until its
		// pool notices.
		append(new Instance().store, 10);
		assertThat(processor.awaitHandled(20, WAIT)).isTrue();
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		// Delivery is at-least-once: events after the last saved checkpoint may come
		// again after the ownership was lost, but none is missing and none comes out of
		// order.
		assertThat(instance.handled.get(0)).isEqualTo(1);
		for (int i = 1; i < instance.handled.size(); i++) {
			long previous = instance.handled.get(i - 1);
			long current = instance.handled.get(i);
			assertThat(current == previous + 1 || current <= previous)
				.as("position %d after %d: the next one, or a redelivery after a checkpoint", current, previous)
				.isTrue();
		}
		assertThat(instance.handled.get(instance.handled.size() - 1)).isEqualTo(20);
	}

	private static List<Long> positions(long from, long to) {
		List<Long> positions = new ArrayList<>();
		for (long p = from; p <= to; p++) {
			positions.add(p);
		}
		return positions;
	}

}
