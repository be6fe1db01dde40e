package dev.eventstore.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A processor of 8 segments on a file journal, its process killed with SIGKILL three
 * times mid-work: every event is handled at least once, and within each run each stream's
 * events in strict version order, each run resuming no later than where the last one's
 * checkpoints were.
 */
class SegmentedProcessorKillTests {

	private static final int EVENTS = 10_000;

	@TempDir
	Path dir;

	@Test
	void killedThreeTimesEveryEventIsHandledAtLeastOnceAndEachStreamInOrder() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		Path effects = this.dir.resolve("effects.txt");
		Map<Long, String> streams = new HashMap<>();
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build()) {
			Random random = new Random(30);
			for (int i = 0; i < EVENTS; i++) {
				String stream = "stream-" + random.nextInt(500);
				streams.put(store.append(stream, NewEvent.of("Happened", Map.of("i", i))).position(), stream);
			}
		}
		for (int run = 1; run <= 3; run++) {
			Process child = ChildJvm.start(SegmentedEffectsWriter.class, List.of("-Xmx256m"), journal.toString(),
					effects.toString(), String.valueOf(run), "0");
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				long before = Files.exists(effects) ? Files.size(effects) : 0;
				assertThat(out.readLine()).isEqualTo("started");
				// Killed while it works: once it has handled something (a cold JVM may
				// take a while to start), at a random instant after.
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Files.exists(effects) && Files.size(effects) > before);
				Thread.sleep(ThreadLocalRandom.current().nextInt(0, 150));
				child.destroyForcibly();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
		}
		Process last = ChildJvm.start(SegmentedEffectsWriter.class, List.of("-Xmx256m"), journal.toString(),
				effects.toString(), "4", String.valueOf(EVENTS));
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(out.readLine()).isEqualTo("started");
			assertThat(out.readLine()).isEqualTo("done");
			assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}

		Map<String, Map<String, List<Long>>> byRun = new LinkedHashMap<>();
		Map<Long, Integer> times = new HashMap<>();
		for (String line : Files.readAllLines(effects)) {
			String[] parts = line.split(" ");
			long position = Long.parseLong(parts[1]);
			assertThat(parts[2]).isEqualTo(streams.get(position));
			times.merge(position, 1, Integer::sum);
			byRun.computeIfAbsent(parts[0], (r) -> new HashMap<>())
				.computeIfAbsent(parts[2], (s) -> new ArrayList<>())
				.add(Long.parseLong(parts[3]));
		}
		assertThat(times).hasSize(EVENTS);
		// The kills landed while it worked: every run handled events, and the last had
		// some left.
		assertThat(byRun.keySet()).as("runs that handled events").containsExactlyInAnyOrder("1", "2", "3", "4");
		byRun.forEach((run, versions) -> versions.forEach((stream, handled) -> {
			for (int i = 1; i < handled.size(); i++) {
				assertThat(handled.get(i)).as("run %s, stream %s", run, stream).isEqualTo(handled.get(i - 1) + 1);
			}
		}));
		System.out.println("Segmented kill test: " + times.size() + " events, "
				+ times.values().stream().mapToInt(Integer::intValue).sum() + " handlings over " + byRun.size()
				+ " runs");
	}

}
