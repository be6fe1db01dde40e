package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventLogAssertions;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM appends with fsync ALWAYS and reports every acknowledged position; it is
 * killed with SIGKILL at a random moment. The reopened journal must hold every
 * acknowledged event, whole batches only, and a gapless log. Rounds: a few by default,
 * many with {@code -Deventstore.torture=true}.
 */
class KillTests {

	private static final boolean TORTURE = Boolean.getBoolean("eventstore.torture");

	private static final int ROUNDS_PER_JOURNAL = 10;

	@TempDir
	Path dir;

	/**
	 * ALWAYS writes and forces each group; NEVER copies into a mapped file. A process
	 * crash must lose no acknowledged event under either.
	 */
	@ParameterizedTest
	@EnumSource(value = FsyncPolicy.class, names = { "ALWAYS", "NEVER" })
	void everyAcknowledgedAppendSurvivesSigkill(FsyncPolicy fsync) throws Exception {
		killAndCheck(fsync, 0);
	}

	/**
	 * The same on a segmented journal whose segments fill every few groups, so that kills
	 * land while a segment is sealed, its index or the streams' summary written.
	 */
	@ParameterizedTest
	@EnumSource(value = FsyncPolicy.class, names = { "ALWAYS", "NEVER" })
	void everyAcknowledgedAppendSurvivesSigkillWhileSegmentsAreSealed(FsyncPolicy fsync) throws Exception {
		killAndCheck(fsync, (fsync == FsyncPolicy.ALWAYS) ? 4096 : 65536);
	}

	private void killAndCheck(FsyncPolicy fsync, long segmentSize) throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		int rounds = TORTURE ? 60 : 4;
		Random random = new Random();
		long acknowledgedTotal = 0;
		for (int round = 0; round < rounds; round++) {
			if (round > 0 && round % ROUNDS_PER_JOURNAL == 0) {
				// Each journal lives through ten crashes and recoveries; then a fresh one
				// keeps the input small (NEVER appends hundreds of thousands of events a
				// round).
				journal = this.dir.resolve("events-" + round + ".ndjson");
				acknowledgedTotal = 0;
			}
			Process child = ChildJvm.start(Appender.class, List.of("-Xmx128m"), journal.toString(),
					String.valueOf(round), fsync.name(), String.valueOf(segmentSize));
			AtomicLong lastAcknowledged = new AtomicLong();
			Thread reader = ChildJvm.readLines(child, (line) -> lastAcknowledged.set(Long.parseLong(line)));
			await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lastAcknowledged.get() > 0);
			Thread.sleep(random.nextInt(TORTURE ? 400 : 150));
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			reader.join(10_000);
			long acknowledged = lastAcknowledged.get();
			assertThat(acknowledged).as("round %d acknowledged something", round).isGreaterThan(acknowledgedTotal);
			acknowledgedTotal = acknowledged;
			try (EventStore store = open(journal, segmentSize)) {
				List<StoredEvent> all = store.readAll(1, Integer.MAX_VALUE);
				assertThat(all.size()).as("round %d: every acknowledged event is there", round)
					.isGreaterThanOrEqualTo((int) acknowledged);
				assertConsistent(all);
				for (int s = 0; s < 8; s++) {
					String stream = "stream-" + s;
					assertThat(store.readStream(stream)).as("round %d: %s read by stream", round, stream)
						.isEqualTo(all.stream().filter((e) -> e.streamId().equals(stream)).toList());
				}
				acknowledgedTotal = all.size();
			}
		}
		if (segmentSize > 0) {
			try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(journal)) {
				assertThat(files.filter((f) -> f.toString().endsWith(".index")))
					.as("segments were sealed while the child was killed")
					.hasSizeGreaterThan(1);
			}
		}
	}

	static EventStore open(Path journal, long segmentSize) {
		EventStore.Builder builder = EventStore.builder().persistPath(journal);
		return ((segmentSize > 0) ? builder.segmentSize(segmentSize) : builder).build();
	}

	private static void assertConsistent(List<StoredEvent> all) {
		EventLogAssertions.assertConsistentLog(all);
		Map<String, List<StoredEvent>> batches = new HashMap<>();
		for (StoredEvent event : all) {
			batches.computeIfAbsent((String) event.data().get("batch"), (k) -> new ArrayList<>()).add(event);
		}
		batches.forEach((batch, events) -> assertThat(events).as("batch %s is whole", batch)
			.hasSize((Integer) events.get(0).data().get("size")));
	}

	/**
	 * Appends batches of random size forever, printing the last position of each
	 * acknowledged one.
	 */
	static final class Appender {

		public static void main(String[] args) {
			Random random = new Random();
			String round = args[1];
			long segmentSize = Long.parseLong(args[3]);
			EventStore.Builder builder = EventStore.builder()
				.persistPath(Path.of(args[0]))
				.fsync(FsyncPolicy.valueOf(args[2]));
			try (EventStore store = ((segmentSize > 0) ? builder.segmentSize(segmentSize) : builder).build()) {
				for (int b = 0;; b++) {
					int size = 1 + random.nextInt(6);
					List<NewEvent> batch = new ArrayList<>();
					for (int i = 0; i < size; i++) {
						batch.add(NewEvent.of("E", Map.of("batch", round + "-" + b, "size", size, "i", i, "pad",
								"x".repeat(random.nextInt(600)))));
					}
					List<StoredEvent> stored = store.appendBatch("stream-" + random.nextInt(8), batch);
					System.out.println(stored.get(stored.size() - 1).position());
					System.out.flush();
				}
			}
		}

	}

}
