package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.SlotClaims;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM claims slots with conditional appends from four racing threads (each slot
 * may be claimed once) and reports every acknowledged claim; it is killed with SIGKILL at
 * a random moment. After each restart: every acknowledged claim is there, no slot is
 * claimed twice, the log is gapless, and the types and tags index rebuilt from the log
 * answers every slot's query as a scan of the log does. Rounds: a few by default, many
 * with {@code -Deventstore.torture=true}.
 */
class ConditionalAppendKillTests {

	private static final boolean TORTURE = Boolean.getBoolean("eventstore.torture");

	@TempDir
	Path dir;

	/**
	 * Each fsync policy on a single file, and a segmented journal sealing every few
	 * claims.
	 */
	static Stream<Arguments> journals() {
		return Stream.of(Arguments.of(FsyncPolicy.ALWAYS, 0L), Arguments.of(FsyncPolicy.NEVER, 0L),
				Arguments.of(FsyncPolicy.ALWAYS, 8_192L));
	}

	@ParameterizedTest
	@MethodSource("journals")
	void acknowledgedClaimsSurviveSigkillAndNoSlotIsClaimedTwice(FsyncPolicy fsync, long segmentSize) throws Exception {
		Path journal = this.dir.resolve((segmentSize > 0) ? "claims" : "claims.ndjson");
		Random random = new Random();
		Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
		for (int round = 0; round < (TORTURE ? 30 : 3); round++) {
			Process child = ChildJvm.start(Claimer.class, List.of("-Xmx128m"), journal.toString(), fsync.name(),
					String.valueOf(round), String.valueOf(segmentSize));
			Thread reader = ChildJvm.readLines(child, (line) -> acknowledged.add(Long.parseLong(line)));
			int before = acknowledged.size();
			await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() > before);
			Thread.sleep(random.nextInt(TORTURE ? 400 : 200));
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
			reader.join(10_000);
			try (EventStore store = open(journal, FsyncPolicy.ALWAYS, segmentSize)) {
				SlotClaims.assertClaimedOnceEach(store, acknowledged, round);
			}
		}
	}

	private static EventStore open(Path journal, FsyncPolicy fsync, long segmentSize) {
		EventStore.Builder builder = EventStore.builder().persistPath(journal).fsync(fsync);
		return (segmentSize > 0) ? builder.segmentSize(segmentSize).build() : builder.build();
	}

	/**
	 * Four threads claim slots {@code slot:<n>} in order, racing for each: read the slot,
	 * append a claim under the condition that nobody claimed it since. Prints the
	 * position of every acknowledged claim.
	 */
	static final class Claimer {

		public static void main(String[] args) throws Exception {
			try (EventStore store = open(Path.of(args[0]), FsyncPolicy.valueOf(args[1]), Long.parseLong(args[3]))) {
				List<Thread> threads = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					int claimer = t;
					Thread thread = new Thread(() -> SlotClaims.claimForever(store, args[2], claimer));
					threads.add(thread);
					thread.start();
				}
				for (Thread thread : threads) {
					thread.join();
				}
			}
		}

	}

}
