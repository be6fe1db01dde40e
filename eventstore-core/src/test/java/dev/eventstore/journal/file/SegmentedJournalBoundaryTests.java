package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What belongs to a segmented journal stays its own: a file inside its directory is never
 * taken for a journal, and segments its side files know of are never quietly forgotten.
 */
class SegmentedJournalBoundaryTests {

	private static final long SEGMENT = 2048;

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events");
	}

	private EventStore store() {
		return EventStore.builder()
			.journal(FileJournal.open(journal(), FsyncPolicy.ALWAYS, Duration.ofMillis(100), SEGMENT))
			.build();
	}

	private List<StoredEvent> writeSample() {
		try (EventStore store = store()) {
			for (int b = 0; b < 40; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i <= b % 3; i++) {
					batch.add(NewEvent.of("E", Map.of("b", b, "i", i, "pad", "x".repeat(100))));
				}
				store.appendBatch("stream-" + (b % 3), batch);
			}
			return store.readAll(1, 1000);
		}
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.list(journal())) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".ndjson")).sorted().toList();
		}
	}

	private Map<String, byte[]> contents() throws IOException {
		Map<String, byte[]> contents = new java.util.TreeMap<>();
		try (Stream<Path> files = Files.list(journal())) {
			for (Path file : files.toList()) {
				contents.put(file.getFileName().toString(), Files.readAllBytes(file));
			}
		}
		return contents;
	}

	@Test
	void aFileInsideASegmentedJournalIsNeverOpenedCutOrReadAsAJournal() throws IOException {
		writeSample();
		List<Path> segments = segments();
		Path last = segments.get(segments.size() - 1);
		Path sealed = segments.get(0);
		List<Path> inside = List.of(last, sealed, SegmentIndex.pathOf(sealed), journal().resolve("other.ndjson"));
		try (EventStore running = store()) {
			running.append("stream-0", NewEvent.of("E", Map.of()));
			Map<String, byte[]> before = contents();
			for (Path file : inside) {
				assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(file))
					.withMessageContaining("inside the segmented journal " + journal());
				assertThatExceptionOfType(EventStoreException.class)
					.isThrownBy(() -> FileJournal.open(file, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), SEGMENT))
					.withMessageContaining("inside the segmented journal " + journal());
				assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> JournalFiles.cutAt(file, 0))
					.withMessageContaining("inside the segmented journal " + journal());
				assertThatExceptionOfType(EventStoreException.class)
					.isThrownBy(() -> JournalFiles.verify(file, (problem) -> {
					}, (read) -> {
					}))
					.withMessageContaining("inside the segmented journal " + journal());
				assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> new JournalFiles.Reader(file))
					.withMessageContaining("inside the segmented journal " + journal());
			}
			assertThat(contents()).containsOnlyKeys(before.keySet());
			before.forEach((name, bytes) -> assertThat(journal().resolve(name)).hasBinaryContent(bytes));
			assertThat(running.append("stream-0", NewEvent.of("E", Map.of())).position())
				.isEqualTo(running.lastPosition());
		}
	}

	@Test
	void aMissingLastSegmentFailsTheOpenNamingItAndChangesNothing() throws IOException {
		writeSample();
		List<Path> segments = segments();
		Path last = segments.get(segments.size() - 1);
		Path previous = segments.get(segments.size() - 2);
		Files.delete(last);
		Map<String, byte[]> before = contents();
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(this::store)
			.withMessageContaining("missing committed events")
			.withMessageContaining("missing: " + last.getFileName())
			.withMessageContaining("begins at position " + first(previous))
			.withMessageContaining("repair " + journal() + " --accept-missing-segments");
		assertThat(contents()).containsOnlyKeys(before.keySet());
		before.forEach((name, bytes) -> assertThat(journal().resolve(name)).hasBinaryContent(bytes));
	}

	@Test
	void theLastTwoSegmentsMissingAreBothNamed() throws IOException {
		writeSample();
		List<Path> segments = segments();
		Path last = segments.get(segments.size() - 1);
		Path previous = segments.get(segments.size() - 2);
		Files.delete(last);
		Files.delete(previous);
		Files.delete(SegmentIndex.pathOf(previous));
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(this::store)
			.withMessageContaining("missing: " + previous.getFileName() + ", " + last.getFileName());
	}

	@Test
	void theIdFilterAloneShowsAMissingSegment() throws IOException {
		writeSample();
		List<Path> segments = segments();
		Files.delete(segments.get(segments.size() - 1));
		Files.delete(journal().resolve(SealedStreams.FILE));
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(this::store)
			.withMessageContaining(IdFilter.FILE + " records segments sealed up to position");
		assertThat(journal().resolve(SealedStreams.FILE)).doesNotExist();
	}

	@Test
	void anOperatorAcceptsTheLossAndTheJournalOpensWithWhatIsThere() throws IOException {
		List<StoredEvent> events = writeSample();
		List<Path> segments = segments();
		Path last = segments.get(segments.size() - 1);
		long kept = first(last) - 1;
		Files.delete(last);
		assertThat(JournalFiles.acceptMissingSegments(journal())).contains(last.getFileName().toString());
		try (Stream<Path> files = Files.list(this.dir)) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.anyMatch((name) -> name.startsWith("events.streams.summary.missing-"))
				.anyMatch((name) -> name.startsWith("events.ids.filter.missing-"));
		}
		try (EventStore store = store()) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events.subList(0, (int) kept));
			assertThat(store.append("stream-0", NewEvent.of("E", Map.of())).position()).isEqualTo(kept + 1);
		}
	}

	@Test
	void acceptingMissingSegmentsOfAWholeJournalIsRefused() throws IOException {
		writeSample();
		Map<String, byte[]> before = contents();
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> JournalFiles.acceptMissingSegments(journal()))
			.withMessageContaining("nothing to accept");
		assertThat(contents()).containsOnlyKeys(before.keySet());
	}

	@Test
	void acceptingMissingSegmentsIsRefusedWhileAStoreHoldsTheJournal() throws IOException {
		writeSample();
		try (EventStore running = store()) {
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> JournalFiles.acceptMissingSegments(journal()))
				.withMessageContaining("locked by another EventStore");
			assertThat(running.lastPosition()).isPositive();
		}
	}

	private static long first(Path segment) {
		return Long.parseLong(segment.getFileName().toString().replace(".ndjson", ""));
	}

}
