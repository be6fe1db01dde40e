package dev.eventstore.journal.file;

import dev.eventstore.ChildJvm;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index holds offsets, not bodies: a 1,000,000-event journal opens and serves reads
 * in 256 MB.
 */
class LargeJournalTests {

	private static final int EVENTS = 1_000_000;

	private static final int STREAMS = 10_000;

	@TempDir
	Path dir;

	@Test
	void millionEventJournalOpensAndServesReadsWithA256MegabyteHeap() throws Exception {
		Path journal = this.dir.resolve("large.ndjson");
		writeJournal(journal);
		assertThat(Files.size(journal)).as("bodies far larger than the heap").isGreaterThan(256L * 1024 * 1024);
		Process child = ChildJvm.start(OpenAndRead.class, List.of("-Xmx256m"), journal.toString());
		String output = new String(child.getInputStream().readAllBytes());
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).as("child output: %s", output).isZero();
		assertThat(output).contains("last=" + EVENTS)
			.contains("stream=100")
			.contains("page=1000")
			.contains("appended=" + (EVENTS + 1))
			.contains("problems=[]");
	}

	/**
	 * Writes the lines the store would, without the store's fsyncs, to build the file
	 * quickly.
	 */
	private static void writeJournal(Path journal) throws IOException {
		LineEncoder codec = new LineEncoder();
		Instant now = Instant.parse("2026-11-24T10:00:00Z");
		String pad = "p".repeat(150);
		try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(journal), 1 << 20)) {
			int perStream = EVENTS / STREAMS;
			for (int round = 0; round < perStream; round++) {
				for (int s = 0; s < STREAMS; s++) {
					long position = (long) round * STREAMS + s + 1;
					List<NewEvent> one = List.of(NewEvent.of("Sampled",
							Map.of("customer", "c-" + s, "amount", round, "note", pad, "flag", true)));
					codec.encode("stream-" + s, position, round + 1, one, now);
					out.write(codec.bytes(), 0, codec.size());
				}
			}
		}
	}

	/** Opens the journal, reads from it, appends, and reports what it saw. */
	static final class OpenAndRead {

		public static void main(String[] args) {
			try (EventStore store = EventStore.open(Path.of(args[0]))) {
				long opened = store.lastPosition();
				List<StoredEvent> stream = store.readStream("stream-4242");
				List<StoredEvent> page = store.readAll(500_001, 1000);
				List<String> problems = new ArrayList<>();
				if (!stream.get(99).data().get("amount").equals(99)) {
					problems.add("wrong data " + stream.get(99));
				}
				if (page.get(0).position() != 500_001) {
					problems.add("wrong page start " + page.get(0));
				}
				long appended = store.append("stream-1", NewEvent.of("After", Map.of())).position();
				System.out.println("last=" + opened + " stream=" + stream.size() + " page=" + page.size() + " appended="
						+ appended + " problems=" + problems);
				if (!problems.isEmpty()) {
					System.exit(1);
				}
			}
		}

	}

}
