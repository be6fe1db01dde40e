package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import dev.eventstore.AppendResult;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointException;
import dev.eventstore.processor.CheckpointStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Files of another journal put into a segmented journal's directory: two journals written
 * alike (same streams, types, data, timestamps, so segments of the same names and sizes)
 * differ only in their events' ids, and that is enough to tell them apart.
 */
class ForeignFilesTests {

	private static final long SEGMENT = 2048;

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:15:30.123456Z"), ZoneOffset.UTC);

	@TempDir
	Path dir;

	private List<StoredEvent> ours;

	/** The id of the first event of stream-0, in a sealed segment. */
	private UUID firstId;

	@BeforeEach
	void twoJournalsWrittenAlike() {
		this.ours = write(journal());
		this.firstId = this.ours.get(0).id();
		write(other());
	}

	private Path journal() {
		return this.dir.resolve("ours");
	}

	private Path other() {
		return this.dir.resolve("theirs");
	}

	private static EventStore store(Path journal) {
		return EventStore.builder()
			.journal(FileJournal.open(journal, FsyncPolicy.ALWAYS, Duration.ofMillis(100), SEGMENT))
			.clock(CLOCK)
			.build();
	}

	private static List<StoredEvent> write(Path journal) {
		try (EventStore store = store(journal)) {
			for (int b = 0; b < 30; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i <= b % 3; i++) {
					batch.add(
							NewEvent.of("E", Map.of("b", b, "i", i, "pad", "x".repeat(100))).withId(UUID.randomUUID()));
				}
				store.appendBatch("stream-" + (b % 3), batch);
			}
			return store.readAll(1, 1000);
		}
	}

	private static Path segment(Path journal, int ordinal) throws IOException {
		try (Stream<Path> files = Files.list(journal)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".ndjson"))
				.sorted()
				.toList()
				.get(ordinal);
		}
	}

	private Map<String, byte[]> contents() throws IOException {
		Map<String, byte[]> contents = new TreeMap<>();
		try (Stream<Path> files = Files.list(journal())) {
			for (Path file : files.toList()) {
				contents.put(file.getFileName().toString(), Files.readAllBytes(file));
			}
		}
		return contents;
	}

	private void copyFromOther(String name) throws IOException {
		Files.copy(other().resolve(name), journal().resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

	@Test
	void theTwoJournalsHaveSegmentsOfTheSameNamesAndSizes() throws IOException {
		for (int i = 0; i < 4; i++) {
			assertThat(segment(other(), i).getFileName()).isEqualTo(segment(journal(), i).getFileName());
			assertThat(Files.size(segment(other(), i))).isEqualTo(Files.size(segment(journal(), i)));
			assertThat(Files.readAllBytes(segment(other(), i))).isNotEqualTo(Files.readAllBytes(segment(journal(), i)));
		}
	}

	/**
	 * Reading the journal fails at the foreign segment, naming it; the events before it
	 * read, and nothing is written.
	 */
	private void assertRefusedWhenRead(String name, long first) throws IOException {
		Map<String, byte[]> before = contents();
		try (EventStore store = store(journal())) {
			assertThat(store.readAll(1, (int) first - 1)).isEqualTo(this.ours.subList(0, (int) first - 1));
			assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> store.readAll(1, 1000))
				.withMessageContaining(name)
				.withMessageContaining("not the one this journal sealed there");
			assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> store.readAll(first, 1))
				.withMessageContaining(name);
		}
		assertThat(contents()).containsOnlyKeys(before.keySet());
		before.forEach((file, bytes) -> assertThat(journal().resolve(file)).hasBinaryContent(bytes));
	}

	@Test
	void aSealedSegmentOfAnotherJournalWithItsIndexIsNeverServedAndNothingIsChanged() throws IOException {
		Path segment = segment(journal(), 2);
		String name = segment.getFileName().toString();
		copyFromOther(name);
		copyFromOther(name.replace(".ndjson", ".index"));
		assertRefusedWhenRead(name, Long.parseLong(name.replace(".ndjson", "")));
	}

	@Test
	void aSealedSegmentOfAnotherJournalWithoutAnIndexIsNeverServed() throws IOException {
		String name = segment(journal(), 1).getFileName().toString();
		copyFromOther(name);
		Files.delete(journal().resolve(name.replace(".ndjson", ".index")));
		assertRefusedWhenRead(name, Long.parseLong(name.replace(".ndjson", "")));
	}

	@Test
	void anIndexOfAnotherJournalIsRebuiltFromThisJournalsSegment() throws IOException {
		String index = segment(journal(), 2).getFileName().toString().replace(".ndjson", ".index");
		copyFromOther(index);
		try (EventStore store = store(journal())) {
			assertThat(store.readAll(1, 1000)).isEqualTo(this.ours);
			for (int s = 0; s < 3; s++) {
				String stream = "stream-" + s;
				assertThat(store.readStream(stream))
					.isEqualTo(this.ours.stream().filter((e) -> e.streamId().equals(stream)).toList());
			}
		}
		assertThat(Files.readAllBytes(journal().resolve(index)))
			.isNotEqualTo(Files.readAllBytes(other().resolve(index)));
	}

	@Test
	void anIdFilterOfAnotherJournalIsRebuiltSoThatARetryIsNotStoredTwice() throws IOException {
		copyFromOther(IdFilter.FILE);
		StoredEvent stored = this.ours.get(0);
		try (EventStore store = store(journal())) {
			long last = store.lastPosition();
			AppendResult retry = store.appendBatch(stored.streamId(),
					this.ours.stream()
						.filter((e) -> e.position() <= 1)
						.map((e) -> NewEvent.of(e.type(), e.data()).withId(e.id()))
						.toList(),
					ExpectedVersion.any());
			assertThat(retry.isDuplicate()).isTrue();
			assertThat(store.lastPosition()).isEqualTo(last);
			assertThat(retry.get(0).id()).isEqualTo(this.firstId);
		}
	}

	@Test
	void aStreamsSummaryOfAnotherJournalIsRebuilt() throws IOException {
		copyFromOther(SealedStreams.FILE);
		try (EventStore store = store(journal())) {
			assertThat(store.readAll(1, 1000)).isEqualTo(this.ours);
			assertThat(store.streamVersion("stream-1"))
				.isEqualTo(this.ours.stream().filter((e) -> e.streamId().equals("stream-1")).count());
		}
		assertThat(Files.readAllBytes(journal().resolve(SealedStreams.FILE)))
			.isNotEqualTo(Files.readAllBytes(other().resolve(SealedStreams.FILE)));
	}

	@Test
	void aJournalWhoseIdIsLostGetsANewOneAndRebuildsItsSideFiles() throws IOException {
		String id = Files.readString(journal().resolve(JournalIdentity.FILE));
		Files.delete(journal().resolve(JournalIdentity.FILE));
		try (EventStore store = store(journal())) {
			assertThat(store.readAll(1, 1000)).isEqualTo(this.ours);
		}
		assertThat(Files.readString(journal().resolve(JournalIdentity.FILE))).isNotEqualTo(id);
		try (EventStore store = store(journal())) {
			assertThat(store.readAll(1, 1000)).isEqualTo(this.ours);
		}
	}

	@Test
	void aCheckpointOfAnotherJournalIsRefusedNamingItsFile() throws IOException {
		CheckpointStore.besideJournal(other()).save("totals", null, new Checkpoint(5, 0));
		Path theirs = this.dir.resolve("theirs.totals.checkpoint");
		Path copied = this.dir.resolve("ours.totals.checkpoint");
		Files.copy(theirs, copied);
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> CheckpointStore.besideJournal(journal()).load("totals"))
			.withMessageContaining(copied.toString())
			.withMessageContaining("belongs to another journal");
		Files.delete(copied);
		CheckpointStore own = CheckpointStore.besideJournal(journal());
		own.save("totals", null, new Checkpoint(7, 0));
		assertThat(CheckpointStore.besideJournal(journal()).load("totals")).contains(new Checkpoint(7, 0));
		assertThat(Files.readString(copied))
			.contains(Files.readString(journal().resolve(JournalIdentity.FILE)).strip());
	}

	@Test
	void aCheckpointWrittenBeforeJournalsHadIdsIsStillRead() throws IOException {
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update("totals\n5\n0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		Files.writeString(this.dir.resolve("ours.totals.checkpoint"),
				"{\"processor\":\"totals\",\"position\":5,\"replayUntil\":0,\"crc32c\":\""
						+ java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\"}\n");
		assertThat(CheckpointStore.besideJournal(journal()).load("totals")).contains(new Checkpoint(5, 0));
	}

	@Test
	void aCheckpointOfAnotherSingleFileJournalIsRefusedAndOneOfItsOwnSurvivesAConversion() throws IOException {
		Path mine = this.dir.resolve("mine.ndjson");
		Path other = this.dir.resolve("other.ndjson");
		for (Path journal : List.of(mine, other)) {
			try (EventStore store = EventStore.open(journal)) {
				store.append("s", NewEvent.of("E", Map.of()));
			}
		}
		CheckpointStore.besideJournal(other).save("totals", null, new Checkpoint(1, 0));
		Path copied = this.dir.resolve("mine.ndjson.totals.checkpoint");
		Files.copy(this.dir.resolve("other.ndjson.totals.checkpoint"), copied);
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> CheckpointStore.besideJournal(mine).load("totals"))
			.withMessageContaining("belongs to another journal");
		Files.delete(copied);
		CheckpointStore.besideJournal(mine).save("totals", null, new Checkpoint(1, 0));
		// Converted to segments, the journal keeps its id, and its checkpoints stay its
		// own.
		FileJournal.open(mine, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), SEGMENT).close();
		assertThat(mine).isDirectory();
		assertThat(CheckpointStore.besideJournal(mine).load("totals")).contains(new Checkpoint(1, 0));
	}

}
