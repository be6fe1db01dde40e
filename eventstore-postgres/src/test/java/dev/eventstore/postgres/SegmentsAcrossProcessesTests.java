package dev.eventstore.postgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two and three real processes run a processor of 8 segments on the embedded PostgreSQL,
 * each writing a row per event in its checkpoint's transaction: the segments balance
 * (none runs more than {@code ceil(8 / processes)}); one process is killed with SIGKILL
 * while events arrive, its segments move to the others within 10 seconds, and in the end
 * every event has exactly one row, each stream's rows in version order.
 */
class SegmentsAcrossProcessesTests {

	private static final int SEGMENTS = 8;

	private static final int EVENTS = 6_000;

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	private final List<Process> children = new ArrayList<>();

	@AfterEach
	void killChildren() {
		this.children.forEach(Process::destroyForcibly);
	}

	private void append(EventStore store, int batches, long seed) {
		Random random = new Random(seed);
		for (int b = 0; b < batches; b++) {
			List<NewEvent> batch = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				batch.add(NewEvent.of("Happened", Map.of("i", i)));
			}
			store.appendBatch("stream-" + random.nextInt(500), batch);
		}
	}

	private Process start() throws Exception {
		// 1 ms per event in the handler: the work is still going on at the kill.
		Process child = ChildJvm.start(RowWritingInstance.class, List.of("-Xmx160m"), EmbeddedPostgresServer.jdbcUrl(),
				this.prefix, String.valueOf(SEGMENTS), "1", "1000");
		this.children.add(child);
		BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
		assertThat(out.readLine()).isEqualTo("owner");
		return child;
	}

	/** Each segment's owner, by the process id in its instance name; 0 when none. */
	private static Map<Integer, Long> owners(PostgresProcessorOwnership observer) {
		Map<Integer, Long> owners = new HashMap<>();
		for (int s = 0; s < SEGMENTS; s++) {
			String owner = observer.ownerOf(RowWritingInstance.PROCESSOR + ".segment-" + s + "-of-" + SEGMENTS);
			owners.put(s, (owner == null) ? 0L : Long.parseLong(owner.replaceAll("^.*:(\\d+)(/\\d+)?$", "$1")));
		}
		return owners;
	}

	private static boolean balancedAmong(Map<Integer, Long> owners, List<Process> processes) {
		List<Long> pids = processes.stream().map(Process::pid).toList();
		int share = (SEGMENTS + processes.size() - 1) / processes.size();
		return pids.containsAll(owners.values())
				&& pids.stream().allMatch((pid) -> owners.values().stream().filter(pid::equals).count() <= share);
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 3 })
	void segmentsBalanceAndAKilledProcessesSegmentsMoveWithinTenSeconds(int processes) throws Exception {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3);
				EventStore store = EventStore.builder()
					.journal(EmbeddedPostgresServer.journal(pool, this.prefix))
					.build()) {
			append(store, EVENTS / 20, 1);
			List<Process> live = new ArrayList<>();
			for (int i = 0; i < processes; i++) {
				live.add(start());
			}
			PostgresProcessorOwnership observer = new PostgresProcessorOwnership(pool, this.prefix);
			await().atMost(Duration.ofSeconds(30)).until(() -> balancedAmong(owners(observer), live));
			Map<Integer, Long> before = owners(observer);
			System.out.println(processes + " processes, segments' owners: " + before);

			Thread appender = new Thread(() -> append(store, EVENTS / 20, 2));
			appender.start();
			Process victim = live.get(0);
			long killedAt = System.nanoTime();
			victim.destroyForcibly();
			assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
			live.remove(victim);
			await().atMost(Duration.ofSeconds(10)).until(() -> balancedAmong(owners(observer), live));
			Duration moved = Duration.ofNanos(System.nanoTime() - killedAt);
			System.out.println("Segments "
					+ before.entrySet()
						.stream()
						.filter((e) -> e.getValue() == victim.pid())
						.map(Map.Entry::getKey)
						.toList()
					+ " of the killed process moved within " + moved.toMillis() + " ms: " + owners(observer));
			assertThat(moved).isLessThan(Duration.ofSeconds(10));
			appender.join();

			await().atMost(Duration.ofSeconds(120)).until(() -> RowsTable.count(pool, this.prefix) == EVENTS);
			RowsTable.assertOneRowPerEventInStreamOrder(pool, this.prefix, store, EVENTS);
		}
	}

}
