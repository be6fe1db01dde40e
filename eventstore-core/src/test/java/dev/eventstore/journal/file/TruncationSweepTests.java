package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash can stop a write at any byte. For every length the journal could have been cut
 * to, the reopened store must hold exactly the whole batches that fit.
 */
class TruncationSweepTests {

	@TempDir
	Path dir;

	@Test
	void everyTruncatedLengthRecoversToAPrefixOfWholeBatches() throws IOException {
		Path original = this.dir.resolve("original.ndjson");
		List<StoredEvent> events = new ArrayList<>();
		// batchEnds.get(k) = file length once batch k is written; batchCounts.get(k) =
		// events then.
		List<Long> batchEnds = new ArrayList<>(List.of(0L));
		List<Integer> batchCounts = new ArrayList<>(List.of(0));
		try (EventStore store = EventStore.open(original)) {
			int[] sizes = { 1, 3, 1, 2, 4, 1 };
			for (int b = 0; b < sizes.length; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i < sizes[b]; i++) {
					batch.add(NewEvent.of("E" + b, Map.of("batch", b, "i", i, "text", "ünïcødé ✓")));
				}
				events.addAll(store.appendBatch("stream-" + (b % 2), batch));
				batchEnds.add(Files.size(original));
				batchCounts.add(events.size());
			}
		}
		byte[] bytes = Files.readAllBytes(original);
		Path copy = this.dir.resolve("copy.ndjson");
		int checked = 0;
		for (int length = 0; length <= bytes.length; length++) {
			Files.write(copy, java.util.Arrays.copyOf(bytes, length));
			int whole = 0;
			while (whole + 1 < batchEnds.size() && batchEnds.get(whole + 1) <= length) {
				whole++;
			}
			try (EventStore store = EventStore.builder()
				.persistPath(copy)
				.fsync(FsyncPolicy.NEVER)
				.fsyncInterval(Duration.ofSeconds(1))
				.build()) {
				assertThat(store.readAll(1, 100)).as("journal cut to %d bytes", length)
					.isEqualTo(events.subList(0, batchCounts.get(whole)));
			}
			assertThat(Files.size(copy)).as("file cut back to the last whole batch").isEqualTo(batchEnds.get(whole));
			checked++;
		}
		assertThat(checked).isEqualTo(bytes.length + 1);
	}

	/**
	 * On a segmented journal a crash can stop a write only in the last segment (the
	 * others were forced before it began): cut at every length, the reopened store holds
	 * the sealed segments' events and the whole batches of the last that fit.
	 */
	@Test
	void everyTruncatedLengthOfTheLastSegmentRecoversToAPrefixOfWholeBatches() throws IOException {
		Path original = this.dir.resolve("original");
		List<StoredEvent> events = new ArrayList<>();
		long segmentSize = 1500;
		// A fixed clock, so that every run writes lines of the same lengths and seals at
		// the same places: a timestamp on a whole millisecond is three digits shorter,
		// and on the second or third batch (odds of 1 in 500 a run) it moved the seals so
		// that the last segment was left empty.
		java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-11-26T10:26:00.123456Z"),
				java.time.ZoneOffset.UTC);
		try (EventStore store = EventStore.builder()
			.persistPath(original)
			.segmentSize(segmentSize)
			.clock(clock)
			.build()) {
			for (int b = 0; b < 20; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i <= b % 4; i++) {
					batch.add(NewEvent.of("E" + b, Map.of("batch", b, "i", i, "text", "ünïcødé ✓")));
				}
				events.addAll(store.appendBatch("stream-" + (b % 3), batch));
			}
		}
		List<Path> segments;
		try (java.util.stream.Stream<Path> files = Files.list(original)) {
			segments = files.filter((f) -> f.toString().endsWith(".ndjson")).sorted().toList();
		}
		assertThat(segments).hasSizeGreaterThan(3);
		Path last = segments.get(segments.size() - 1);
		byte[] bytes = Files.readAllBytes(last);
		List<String> lines = Files.readAllLines(last);
		int sealedEvents = events.size() - lines.size();
		assertThat(lines).hasSizeGreaterThan(3);
		// Where each whole batch of the last segment ends, and the events then.
		List<Long> batchEnds = new ArrayList<>(List.of(0L));
		List<Integer> batchCounts = new ArrayList<>(List.of(sealedEvents));
		long offset = 0;
		for (int i = 0; i < lines.size(); i++) {
			offset += lines.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
			StoredEvent event = events.get(sealedEvents + i);
			boolean endsBatch = sealedEvents + i + 1 == events.size()
					|| !events.get(sealedEvents + i + 1).data().get("batch").equals(event.data().get("batch"));
			if (endsBatch) {
				batchEnds.add(offset);
				batchCounts.add(sealedEvents + i + 1);
			}
		}
		assertThat(offset).isEqualTo(bytes.length);
		Path copy = this.dir.resolve("copy");
		for (int length = 0; length <= bytes.length; length++) {
			Segments.deleteTree(copy);
			Files.createDirectories(copy);
			try (java.util.stream.Stream<Path> files = Files.list(original)) {
				for (Path file : files.toList()) {
					Files.copy(file, copy.resolve(file.getFileName()));
				}
			}
			Files.write(copy.resolve(last.getFileName()), java.util.Arrays.copyOf(bytes, length));
			int whole = 0;
			while (whole + 1 < batchEnds.size() && batchEnds.get(whole + 1) <= length) {
				whole++;
			}
			try (EventStore store = EventStore.builder()
				.persistPath(copy)
				.fsync(FsyncPolicy.NEVER)
				.segmentSize(segmentSize)
				.build()) {
				assertThat(store.readAll(1, 1000)).as("last segment cut to %d bytes", length)
					.isEqualTo(events.subList(0, batchCounts.get(whole)));
				assertThat(store.readStream("stream-1")).isEqualTo(events.subList(0, batchCounts.get(whole))
					.stream()
					.filter((e) -> e.streamId().equals("stream-1"))
					.toList());
			}
			assertThat(Files.size(copy.resolve(last.getFileName()))).as("cut back to the last whole batch")
				.isEqualTo(batchEnds.get(whole));
		}
	}

}
