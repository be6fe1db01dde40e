package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.Concurrently;
import dev.eventstore.EventIdConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A segmented journal: sealing, what opening reads, and every file beside the segments
 * being missing, damaged, stale or half-written the way a crash leaves them.
 */
class SegmentedJournalTests {

	private static final long SEGMENT = 2048;

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events");
	}

	private FileJournal open() {
		return FileJournal.open(journal(), FsyncPolicy.ALWAYS, Duration.ofMillis(100), SEGMENT);
	}

	private EventStore store() {
		return EventStore.builder().journal(open()).build();
	}

	/** 60 batches over 3 streams, about 15 segments. */
	private List<StoredEvent> writeSample() {
		try (EventStore store = store()) {
			for (int b = 0; b < 60; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i <= b % 3; i++) {
					batch.add(NewEvent.of("E", Map.of("b", b, "i", i, "pad", "x".repeat(100))));
				}
				store.appendBatch("stream-" + (b % 3), batch);
			}
			return store.readAll(1, 1000);
		}
	}

	private List<Path> files(String suffix) throws IOException {
		try (Stream<Path> files = Files.list(journal())) {
			return files.filter((file) -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
		}
	}

	private void assertReadsBack(List<StoredEvent> events) {
		try (EventStore store = store()) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
			for (int s = 0; s < 3; s++) {
				String stream = "stream-" + s;
				List<StoredEvent> expected = events.stream().filter((e) -> e.streamId().equals(stream)).toList();
				assertThat(store.readStream(stream)).isEqualTo(expected);
				assertThat(store.readStream(stream, 7, 5)).isEqualTo(expected.subList(6, 11));
				assertThat(store.streamVersion(stream)).isEqualTo(expected.size());
			}
			assertThat(store.streamIds("", null, 10)).containsExactly("stream-0", "stream-1", "stream-2");
			assertThat(store.streamCount()).isEqualTo(3);
		}
	}

	@Test
	void sealsFullSegmentsWithAnIndexAndNamesEachByItsFirstPosition() throws IOException {
		List<StoredEvent> events = writeSample();
		List<Path> segments = files(".ndjson");
		assertThat(segments).hasSizeGreaterThan(5);
		assertThat(segments.get(0).getFileName()).hasToString("00000000000000000001.ndjson");
		assertThat(files(".index")).hasSize(segments.size() - 1);
		assertThat(journal().resolve(SealedStreams.FILE)).isRegularFile();
		assertThat(journal().resolve(IdFilter.FILE)).isRegularFile();
		long first = 1;
		for (Path segment : segments) {
			assertThat(segment.getFileName().toString()).isEqualTo(String.format("%020d.ndjson", first));
			List<String> lines = Files.readAllLines(segment);
			if (segment != segments.get(segments.size() - 1)) {
				assertThat(Files.size(segment)).isGreaterThanOrEqualTo(SEGMENT);
			}
			first += lines.size();
		}
		assertThat(first - 1).isEqualTo(events.size());
		assertReadsBack(events);
	}

	@Test
	void opensWithOnlyTheLastSegmentIndexedOnTheHeap() {
		List<StoredEvent> events = writeSample();
		try (FileJournal journal = open()) {
			assertThat(journal.sealedSegments()).isGreaterThan(5);
			assertThat(journal.lastPosition()).isEqualTo(events.size());
			long lastSegmentEvents = journal.lastPosition()
					- journal.readAll(1, 1000).stream().filter((e) -> e.position() <= journal.lastPosition()).count()
					+ journal.eventsIndexedOnHeap();
			assertThat(journal.eventsIndexedOnHeap()).isLessThan(events.size() / 5).isEqualTo(lastSegmentEvents);
		}
	}

	@Test
	void batchesNeverSpanSegments() throws IOException {
		writeSample();
		for (Path segment : files(".ndjson")) {
			List<String> lines = Files.readAllLines(segment);
			if (!lines.isEmpty()) {
				String last = lines.get(lines.size() - 1);
				long position = Long.parseLong(last.replaceAll("^\\{\"event_id\":(\\d+),.*", "$1"));
				assertThat(last).as("the last line of %s ends its batch", segment)
					.satisfiesAnyOf((line) -> assertThat(line).doesNotContain("\"batch_end\""),
							(line) -> assertThat(line).contains("\"batch_end\":" + position));
			}
		}
	}

	/**
	 * Readers race the sealing of segments: every read sees a gapless prefix of the log,
	 * streams with contiguous versions, and never a version going back.
	 */
	@Test
	void readsRacingSealsSeeConsistentPrefixes() throws Exception {
		try (EventStore store = EventStore.builder()
			.persistPath(journal())
			.fsync(FsyncPolicy.NEVER)
			.segmentSize(512)
			.build()) {
			java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
			java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
			List<java.util.concurrent.Future<Integer>> reads = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				int reader = r;
				reads.add(readers.submit(() -> {
					int checked = 0;
					long[] seen = new long[5];
					while (writing.get() || checked < 10) {
						List<StoredEvent> all = store.readAll(1, Integer.MAX_VALUE);
						for (int i = 0; i < all.size(); i++) {
							assertThat(all.get(i).position()).isEqualTo(i + 1);
						}
						int s = (checked + reader) % 5;
						List<StoredEvent> stream = store.readStream("stream-" + s);
						for (int i = 0; i < stream.size(); i++) {
							assertThat(stream.get(i).version()).isEqualTo(i + 1);
						}
						assertThat((long) stream.size()).isGreaterThanOrEqualTo(seen[s]);
						seen[s] = stream.size();
						checked++;
					}
					return checked;
				}));
			}
			Concurrently.run(2, 300, (thread, i) -> store.append("stream-" + ((thread * 300 + i) % 5),
					NewEvent.of("E", Map.of("t", thread, "i", i, "pad", "x".repeat(40)))));
			writing.set(false);
			for (java.util.concurrent.Future<Integer> read : reads) {
				assertThat(read.get(60, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThanOrEqualTo(10);
			}
			readers.shutdown();
			assertThat(store.readAll(1, 1000)).hasSize(600);
			assertThat(files(".index")).hasSizeGreaterThan(50);
		}
	}

	@Test
	void aSealThatFailsLeavesTheSegmentBeingWrittenAndIsTriedAgainLater() throws IOException {
		List<StoredEvent> events = new ArrayList<>(writeSample());
		List<Path> blocked = new ArrayList<>();
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			int sealed = journal.sealedSegments();
			// Any segment the next appends would start cannot be created: a directory has
			// its name.
			for (long position = journal.lastPosition() + 2; position <= journal.lastPosition() + 40; position++) {
				blocked.add(Files.createDirectory(Segments.segmentPath(journal(), position)));
			}
			for (int i = 0; i < 30; i++) {
				events.add(store.append("stream-0", NewEvent.of("Blocked", Map.of("i", i, "pad", "b".repeat(100)))));
			}
			assertThat(journal.sealedSegments()).as("no seal got through").isEqualTo(sealed);
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
			for (Path directory : blocked) {
				Files.delete(directory);
			}
			for (int i = 0; i < 30; i++) {
				events.add(store.append("stream-1", NewEvent.of("After", Map.of("i", i, "pad", "a".repeat(100)))));
			}
			assertThat(journal.sealedSegments()).as("sealing was tried again").isGreaterThan(sealed);
		}
		try (EventStore store = store()) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
			assertThat(store.readStream("stream-0"))
				.isEqualTo(events.stream().filter((e) -> e.streamId().equals("stream-0")).toList());
		}
	}

	@Test
	void aStreamsSummaryThatCannotBeWrittenIsCompletedOnTheNextOpen() throws IOException {
		writeSample();
		Path summary = journal().resolve(SealedStreams.FILE);
		byte[] before = Files.readAllBytes(summary);
		List<StoredEvent> events;
		try (FileJournal journal = open(); EventStore store = EventStore.builder().journal(journal).build()) {
			// Its temporary file's name is taken: every save while this store runs fails.
			Files.createDirectory(journal().resolve(SealedStreams.FILE + ".tmp"));
			int sealed = journal.sealedSegments();
			for (int i = 0; i < 40; i++) {
				store.append("stream-" + (i % 3), NewEvent.of("Late", Map.of("i", i, "pad", "s".repeat(100))));
			}
			assertThat(journal.sealedSegments()).isGreaterThan(sealed);
			events = store.readAll(1, 1000);
		}
		assertThat(Files.readAllBytes(summary)).as("the saves failed").isEqualTo(before);
		assertReadsBack(events);
		assertThat(Files.readAllBytes(summary)).as("completed on open").isNotEqualTo(before);
		assertThat(journal().resolve(SealedStreams.FILE + ".tmp")).doesNotExist();
	}

	@Test
	void aMissingIndexIsRebuiltFromItsSegment() throws IOException {
		List<StoredEvent> events = writeSample();
		Path index = files(".index").get(2);
		byte[] original = Files.readAllBytes(index);
		Files.delete(index);
		assertReadsBack(events);
		assertThat(index).exists();
		assertThat(Files.readAllBytes(index)).isEqualTo(original);
	}

	@Test
	void aDamagedIndexBodyIsRebuiltWhenFirstUsed() throws IOException {
		List<StoredEvent> events = writeSample();
		Path index = files(".index").get(1);
		byte[] original = Files.readAllBytes(index);
		byte[] damaged = original.clone();
		damaged[SegmentIndex.HEADER + 3] ^= 0x40;
		Files.write(index, damaged);
		assertReadsBack(events);
		assertThat(Files.readAllBytes(index)).isEqualTo(original);
	}

	@Test
	void aDamagedIndexHeaderIsRebuiltWhenFirstUsed() throws IOException {
		List<StoredEvent> events = writeSample();
		Path index = files(".index").get(0);
		byte[] damaged = Files.readAllBytes(index);
		damaged[20] ^= 0x01;
		Files.write(index, damaged);
		assertReadsBack(events);
	}

	@Test
	void anIndexOfAnotherSegmentIsStaleAndRebuilt() throws IOException {
		List<StoredEvent> events = writeSample();
		List<Path> indexes = files(".index");
		Files.copy(indexes.get(1), indexes.get(3), StandardCopyOption.REPLACE_EXISTING);
		assertReadsBack(events);
		assertThat(Files.readAllBytes(indexes.get(3))).isNotEqualTo(Files.readAllBytes(indexes.get(1)));
	}

	@Test
	void aMissingOrDamagedStreamsSummaryIsRebuilt() throws IOException {
		List<StoredEvent> events = writeSample();
		Path summary = journal().resolve(SealedStreams.FILE);
		byte[] original = Files.readAllBytes(summary);
		Files.delete(summary);
		assertReadsBack(events);
		assertThat(summary).exists();
		byte[] damaged = Files.readAllBytes(summary);
		damaged[damaged.length / 2] ^= 0x10;
		Files.write(summary, damaged);
		assertReadsBack(events);
		assertThat(Files.readAllBytes(summary)).hasSameSizeAs(original);
	}

	@Test
	void aSummaryLeftBehindByACrashIsCompletedFromTheIndexes() throws IOException {
		writeSample();
		Path summary = journal().resolve(SealedStreams.FILE);
		byte[] behind = Files.readAllBytes(summary);
		List<StoredEvent> events;
		try (EventStore store = store()) {
			for (int i = 0; i < 40; i++) {
				store.append("stream-" + (i % 3), NewEvent.of("Late", Map.of("i", i, "pad", "y".repeat(100))));
			}
			events = store.readAll(1, 1000);
		}
		// As if the process died after sealing segments, before saving the summary.
		Files.write(summary, behind);
		assertReadsBack(events);
	}

	@Test
	void retriesAndIdConflictsAreFoundInSealedSegments() throws IOException {
		UUID first = UUID.randomUUID();
		UUID second = UUID.randomUUID();
		List<NewEvent> batch = List.of(NewEvent.of("E", Map.of("n", 1)).withId(first),
				NewEvent.of("E", Map.of("n", 2)).withId(second));
		List<StoredEvent> stored;
		try (EventStore store = store()) {
			stored = store.appendBatch("retried", batch, ExpectedVersion.noStream());
		}
		writeSample();
		for (String damage : List.of("none", "filter missing", "filter damaged")) {
			Path filter = journal().resolve(IdFilter.FILE);
			if (damage.equals("filter missing")) {
				Files.delete(filter);
			}
			if (damage.equals("filter damaged")) {
				// Clear every bit: a filter trusted blindly would now say no id is
				// stored.
				byte[] bytes = Files.readAllBytes(filter);
				java.util.Arrays.fill(bytes, 32, bytes.length, (byte) 0);
				Files.write(filter, bytes);
			}
			try (FileJournal journal = open()) {
				assertThat(journal.sealedSegments()).isGreaterThan(5);
				long last = journal.lastPosition();
				AppendResult again = journal.append("retried", batch, ExpectedVersion.noStream(),
						java.time.Instant.now());
				assertThat(again.isDuplicate()).isTrue();
				assertThat(List.copyOf(again)).isEqualTo(stored);
				assertThatExceptionOfType(EventIdConflictException.class)
					.isThrownBy(
							() -> journal.append("elsewhere", List.of(NewEvent.of("E", Map.of("n", 1)).withId(first)),
									ExpectedVersion.any(), java.time.Instant.now()))
					.withMessageContaining(first.toString())
					.withMessageContaining("stream 'retried'");
				assertThat(journal.lastPosition()).isEqualTo(last);
			}
		}
	}

	@Test
	void theFirstAppendAfterOpenAsksTheIdFilterRatherThanEverySegmentsIndex() {
		List<StoredEvent> events = writeSample();
		try (FileJournal journal = open()) {
			assertThat(journal.sealedSegments()).isGreaterThan(3);
			journal.append("new", List.of(NewEvent.of("E", Map.of())), ExpectedVersion.any(), java.time.Instant.now());
			assertThat(journal.sealedIndexesOpened()).as("no index opened (and checked whole) for a new id").isZero();
			AppendResult retry = journal.append(events.get(5).streamId(),
					List.of(NewEvent.of("E", events.get(5).data()).withId(events.get(5).id())), ExpectedVersion.any(),
					java.time.Instant.now());
			assertThat(retry.isDuplicate()).as("a stored id is still found, through the indexes").isTrue();
			assertThat(journal.sealedIndexesOpened()).isPositive();
		}
	}

	@Test
	void aRetryIsRecognisedInASegmentTheIdFilterDoesNotCoverYet() throws Exception {
		writeSample();
		UUID id = UUID.randomUUID();
		List<NewEvent> batch = List.of(NewEvent.of("E", Map.of("pad", "r".repeat(300))).withId(id));
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		try (FileJournal journal = open()) {
			// Hold the side files' worker up: the filter cannot learn the ids sealed now.
			java.util.Objects.requireNonNull(journal.sideFiles()).enqueue(() -> {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			int sealedBefore = journal.sealedSegments();
			AppendResult first = journal.append("late", batch, ExpectedVersion.any(), java.time.Instant.now());
			for (int i = 0; i < 20; i++) {
				journal.append("filler", List.of(NewEvent.of("F", Map.of("pad", "f".repeat(200)))),
						ExpectedVersion.any(), java.time.Instant.now());
			}
			assertThat(journal.sealedSegments()).isGreaterThan(sealedBefore);
			long last = journal.lastPosition();
			AppendResult retry = journal.append("late", batch, ExpectedVersion.any(), java.time.Instant.now());
			assertThat(retry.isDuplicate()).isTrue();
			assertThat(List.copyOf(retry)).isEqualTo(List.copyOf(first));
			assertThatExceptionOfType(EventIdConflictException.class)
				.isThrownBy(() -> journal.append("other", batch, ExpectedVersion.any(), java.time.Instant.now()));
			assertThat(journal.lastPosition()).isEqualTo(last);
			release.countDown();
		}
	}

	/** The streams' summary and id filter as they are now, to put back later. */
	private Map<Path, byte[]> sideFiles() throws IOException {
		Map<Path, byte[]> saved = new java.util.HashMap<>();
		for (String name : List.of(SealedStreams.FILE, IdFilter.FILE)) {
			saved.put(journal().resolve(name), Files.readAllBytes(journal().resolve(name)));
		}
		return saved;
	}

	private static void restore(Map<Path, byte[]> sideFiles) throws IOException {
		for (Map.Entry<Path, byte[]> file : sideFiles.entrySet()) {
			Files.write(file.getKey(), file.getValue());
		}
	}

	/** Appends until the last segment is sealed and a new, empty one begins. */
	private List<StoredEvent> appendUntilSealed() throws IOException {
		int segments = files(".ndjson").size();
		try (EventStore store = store()) {
			while (files(".ndjson").size() == segments) {
				store.append("stream-0", NewEvent.of("Filler", Map.of("pad", "y".repeat(100))));
			}
			return store.readAll(1, 1000);
		}
	}

	@Test
	void aCrashAfterWritingTheLastSegmentsIndexHasItScannedAndSealedAgain() throws IOException {
		writeSample();
		Map<Path, byte[]> beforeSeal = sideFiles();
		List<StoredEvent> events = appendUntilSealed();
		List<Path> segments = files(".ndjson");
		Path last = segments.get(segments.size() - 1);
		Path previous = segments.get(segments.size() - 2);
		// As if the process died after writing the index of the segment before the last,
		// before creating the last one: the summary and filter were not written yet.
		assertThat(Files.size(last)).isZero();
		Files.delete(last);
		restore(beforeSeal);
		Path index = SegmentIndex.pathOf(previous);
		Path temporary = index.resolveSibling(index.getFileName() + ".tmp");
		Files.writeString(temporary, "half an index");
		Files.writeString(index, "an index of the last segment is not trusted");
		try (EventStore store = store()) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
			// Full, so sealed again on open.
			assertThat(Files.readString(index, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("trusted");
			assertThat(temporary).doesNotExist();
			store.append("stream-0", NewEvent.of("After", Map.of("pad", "z".repeat(100))));
		}
		try (EventStore store = store()) {
			assertThat(store.lastPosition()).isEqualTo(events.size() + 1);
			assertThat(store.readStream("stream-0").get((int) store.streamVersion("stream-0") - 1).type())
				.isEqualTo("After");
		}
	}

	@Test
	void aLastSegmentFilledButNotSealedIsSealedOnOpen() throws IOException {
		writeSample();
		Map<Path, byte[]> beforeSeal = sideFiles();
		List<StoredEvent> events = appendUntilSealed();
		List<Path> segments = files(".ndjson");
		Path last = segments.get(segments.size() - 1);
		Path previous = segments.get(segments.size() - 2);
		// As if the crash came after the segment filled, before it was sealed.
		Files.delete(last);
		Files.delete(SegmentIndex.pathOf(previous));
		restore(beforeSeal);
		try (FileJournal journal = open()) {
			assertThat(journal.eventsIndexedOnHeap()).isZero();
			assertThat(SegmentIndex.pathOf(previous)).exists();
		}
		try (EventStore store = store()) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
		}
	}

	@Test
	void aTruncatedSealedSegmentFailsTheOpenNamingIt() throws IOException {
		writeSample();
		Path sealed = files(".ndjson").get(2);
		byte[] bytes = Files.readAllBytes(sealed);
		Files.write(sealed, java.util.Arrays.copyOf(bytes, bytes.length - 10));
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(this::open)
			.withMessageContaining(sealed.getFileName().toString())
			.withMessageContaining("sealed segment");
		assertThat(Files.size(sealed)).isEqualTo(bytes.length - 10);
	}

	@Test
	void aMissingSegmentFailsTheOpenNamingTheGap() throws IOException {
		writeSample();
		Path before = files(".ndjson").get(2);
		Path sealed = files(".ndjson").get(3);
		Files.delete(sealed);
		long missingFirst = Long.parseLong(sealed.getFileName().toString().replace(".ndjson", ""));
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(this::open)
			.withMessageContaining(before.getFileName().toString())
			.withMessageContaining("to " + (missingFirst - 1) + " but the next segment begins at")
			.withMessageContaining("a segment is missing");
	}

	@Test
	void aDirectoryOfOtherFilesIsNotMadeAJournal() throws IOException {
		Files.createDirectories(journal());
		Files.writeString(journal().resolve("notes.txt"), "mine");
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(this::open)
			.withMessageContaining("holding other files");
		try (Stream<Path> files = Files.list(journal())) {
			assertThat(files).containsExactly(journal().resolve("notes.txt"));
		}
	}

	@Test
	void aSegmentedDirectoryOpensAsOneWithoutASegmentSize() {
		List<StoredEvent> events = writeSample();
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 1000)).isEqualTo(events);
		}
	}

	@Test
	void theSummaryReadFromItsFileAndTheSegmentsSealedSinceAnswerAsOneAcrossReopens() throws IOException {
		Map<String, Integer> versions = new HashMap<>();
		for (int run = 0; run < 3; run++) {
			try (EventStore store = store()) {
				// Old streams grow and new ones start in every run, over several seals.
				for (int i = 0; i < 120; i++) {
					String stream = ((i % 3 == 0) ? "new-" + run + "-" : "old-") + (i % 40) + "-é";
					int version = versions.getOrDefault(stream, 0);
					store.append(stream, NewEvent.of("E", Map.of("pad", "x".repeat(60))),
							ExpectedVersion.exactly(version));
					versions.put(stream, version + 1);
				}
				assertThat(store.streamCount()).isEqualTo(versions.size());
				versions.forEach((stream, version) -> assertThat(store.readStream(stream)).as(stream).hasSize(version));
				assertThat(store.streamIds("new-" + run, null, 1_000)).hasSize(40);
			}
		}
		try (EventStore store = store()) {
			assertThat(store.streamCount()).isEqualTo(versions.size());
			assertThat(store.streamIds("", null, 1_000)).containsExactlyInAnyOrderElementsOf(versions.keySet());
			versions.forEach((stream, version) -> {
				List<StoredEvent> events = store.readStream(stream);
				assertThat(events).as(stream).hasSize(version);
				assertThat(events.get(version - 1).version()).isEqualTo((long) version);
			});
			assertThatExceptionOfType(ConcurrencyConflictException.class)
				.isThrownBy(() -> store.append("old-1-é", NewEvent.of("E", Map.of()), ExpectedVersion.exactly(1)));
			assertThat(store.readStream("never")).isEmpty();
		}
		// Read from its file, not rebuilt from the segments' indexes.
		SealedStreams summary = SealedStreams.load(journal(), JournalIdentity.readOrCreate(journal()));
		assertThat(summary).isNotNull();
		assertThat(summary.size()).isEqualTo(versions.size());
		assertThat(summary.version("old-1-é")).isEqualTo((long) versions.get("old-1-é"));
	}

	@Test
	void segmentSizeOutOfRangeIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> FileJournal.open(journal(), FsyncPolicy.ALWAYS, Duration.ofMillis(100), 0))
			.withMessageContaining("segment size");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> EventStore.builder().segmentSize((1L << 30) + 1))
			.withMessageContaining("segment size");
		assertThat(journal()).doesNotExist();
	}

	@Test
	void aSingleFileIsConvertedOnFirstOpenKeepingItAsABackup() throws IOException {
		Path single = this.dir.resolve("single.ndjson");
		List<StoredEvent> events = new ArrayList<>();
		try (EventStore store = EventStore.open(single)) {
			for (int i = 0; i < 50; i++) {
				events.add(store.append("s-" + (i % 4), NewEvent.of("E", Map.of("i", i, "pad", "p".repeat(80)))));
			}
		}
		byte[] original = Files.readAllBytes(single);
		try (EventStore store = EventStore.builder().persistPath(single).segmentSize(1024).build()) {
			assertThat(store.readAll(1, 100)).isEqualTo(events);
			store.append("s-0", NewEvent.of("After", Map.of()));
		}
		assertThat(single).isDirectory();
		List<Path> backups;
		try (Stream<Path> files = Files.list(this.dir)) {
			backups = files.filter((f) -> f.getFileName().toString().startsWith("single.ndjson.single-file-")).toList();
		}
		assertThat(backups).hasSize(1);
		assertThat(Files.readAllBytes(backups.get(0))).isEqualTo(original);
		try (Stream<Path> files = Files.list(single)) {
			assertThat(files.filter((f) -> f.toString().endsWith(".ndjson"))).hasSizeGreaterThan(3);
		}
		try (EventStore store = EventStore.open(single)) {
			assertThat(store.readAll(1, 50)).isEqualTo(events);
			assertThat(store.streamVersion("s-0")).isEqualTo(14);
		}
	}

	@Test
	void aJournalOfThePythonStoreIsConvertedWithItsVersions() throws IOException {
		Path single = this.dir.resolve("python.ndjson");
		StringBuilder lines = new StringBuilder();
		for (int i = 1; i <= 30; i++) {
			lines.append("{\"event_id\": ")
				.append(i)
				.append(", \"stream_id\": \"order-")
				.append(i % 2)
				.append("\", \"event_type\": \"OrderPlaced\", \"data\": {\"n\": ")
				.append(i)
				.append("}, \"metadata\": null, \"timestamp\": \"2026-05-29T11:15:00\"}\n");
		}
		Files.writeString(single, lines);
		try (EventStore store = EventStore.builder().persistPath(single).segmentSize(512).build()) {
			assertThat(store.readStream("order-1")).extracting(StoredEvent::version)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 15).boxed().toList());
			assertThat(store.append("order-1", NewEvent.of("OrderShipped", Map.of()), ExpectedVersion.exactly(15))
				.version()).isEqualTo(16);
		}
		// Rebuilt indexes of segments in the original format read versions from those
		// before.
		try (Stream<Path> files = Files.list(single)) {
			for (Path index : files.filter((f) -> f.toString().endsWith(".index")).toList()) {
				Files.delete(index);
			}
		}
		try (EventStore store = EventStore.open(single)) {
			assertThat(store.readStream("order-0")).extracting(StoredEvent::version)
				.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 15).boxed().toList());
			assertThat(store.readStream("order-1")).hasSize(16);
		}
	}

	@Test
	void anUnfinishedConversionIsDiscardedAndAFinishedOneCompleted() throws IOException {
		Path single = this.dir.resolve("single.ndjson");
		List<StoredEvent> events;
		try (EventStore store = EventStore.open(single)) {
			for (int i = 0; i < 20; i++) {
				store.append("s", NewEvent.of("E", Map.of("i", i, "pad", "p".repeat(80))));
			}
			events = store.readAll(1, 100);
		}
		Path building = this.dir.resolve("single.ndjson" + Segments.CONVERTING_SUFFIX);
		Files.createDirectories(building);
		Files.writeString(building.resolve("00000000000000000001.ndjson"), "half");
		try (EventStore store = EventStore.open(single)) {
			assertThat(store.readAll(1, 100)).isEqualTo(events);
		}
		assertThat(building).doesNotExist();
		assertThat(single).isRegularFile();
		// Finished: the directory complete and marked, the file moved to its backup.
		try (EventStore store = EventStore.builder().persistPath(single).segmentSize(1024).build()) {
			assertThat(store.lastPosition()).isEqualTo(20);
		}
		Files.move(single, building);
		Files.createFile(building.resolve("converted"));
		try (EventStore store = EventStore.open(single)) {
			assertThat(store.readAll(1, 100)).isEqualTo(events);
		}
		assertThat(single).isDirectory();
		assertThat(building).doesNotExist();
	}

}
