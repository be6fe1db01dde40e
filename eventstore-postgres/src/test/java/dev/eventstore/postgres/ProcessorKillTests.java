package dev.eventstore.postgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.processor.ProcessorState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real processes killed with SIGKILL while a processor inserts one row per event in the
 * transaction of its checkpoint: afterwards every event has exactly one row, and another
 * instance takes the processor over within the bound.
 */
class ProcessorKillTests {

	private static final int EVENTS = 3_000;

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	private final List<Process> children = new ArrayList<>();

	@AfterEach
	void killChildren() {
		this.children.forEach(Process::destroyForcibly);
	}

	private void appendEvents() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2);
				EventStore store = EventStore.builder()
					.journal(EmbeddedPostgresServer.journal(pool, this.prefix))
					.build()) {
			for (int b = 0; b < EVENTS / 100; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					batch.add(NewEvent.of("Happened", Map.of("i", i)));
				}
				store.appendBatch("stream-" + b, batch);
			}
		}
	}

	private Process startOwner() throws Exception {
		Process child = ChildJvm.start(RowWritingInstance.class, List.of("-Xmx128m"), EmbeddedPostgresServer.jdbcUrl(),
				this.prefix);
		this.children.add(child);
		BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
		assertThat(out.readLine()).isEqualTo("owner");
		return child;
	}

	private void kill(Process child) throws InterruptedException {
		child.destroyForcibly();
		assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

	private void assertEveryEventHasExactlyOneRow() throws Exception {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(1)) {
			RowsTable.assertOneRowPerEvent(pool, this.prefix, EVENTS);
		}
	}

	@Test
	void killedAtRandomInstantsEveryEventStillHasExactlyOneRow() throws Exception {
		appendEvents();
		int killedMidway = 0;
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(1)) {
			PostgresCheckpointStore checkpoints = PostgresCheckpointStore.of(pool, this.prefix);
			for (int round = 0; round < 4; round++) {
				Process child = startOwner();
				Thread.sleep(ThreadLocalRandom.current().nextInt(30, 250));
				kill(child);
				long checkpoint = checkpoints.load(RowWritingInstance.PROCESSOR).orElseThrow().position();
				killedMidway += (checkpoint > 0 && checkpoint < EVENTS) ? 1 : 0;
			}
		}
		try (RowWritingInstance last = new RowWritingInstance(EmbeddedPostgresServer.jdbcUrl(), this.prefix,
				Duration.ofMillis(200))) {
			last.processor.start();
			assertThat(last.processor.awaitHandled(EVENTS, Duration.ofSeconds(60))).isTrue();
			assertThat(last.processor.status().lastError()).isNull();
		}
		// The kills landed while the processor was working, not before or after.
		assertThat(killedMidway).isGreaterThanOrEqualTo(2);
		assertEveryEventHasExactlyOneRow();
	}

	@Test
	void anotherInstanceTakesOverWithinTheBoundWhenTheOwnerIsKilled() throws Exception {
		appendEvents();
		Process owner = startOwner();
		try (RowWritingInstance standby = new RowWritingInstance(EmbeddedPostgresServer.jdbcUrl(), this.prefix,
				Duration.ofSeconds(2))) {
			standby.processor.start();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> standby.processor.status().state() == ProcessorState.NOT_OWNER);
			Thread.sleep(ThreadLocalRandom.current().nextInt(30, 300));
			long killedAt = System.nanoTime();
			kill(owner);
			await().atMost(Duration.ofSeconds(10)).until(standby::owns);
			Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
			assertThat(takeover).isLessThan(Duration.ofSeconds(10));
			assertThat(standby.processor.awaitHandled(EVENTS, Duration.ofSeconds(60))).isTrue();
			System.out.println("Processor taken over " + takeover.toMillis() + " ms after SIGKILL of its owner");
		}
		assertEveryEventHasExactlyOneRow();
	}

}
