package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventLogAssertions;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A clean close of a single-file journal records its index ({@link IndexAtClose}); the
 * next open loads it when, and only when, it still describes the file, and otherwise
 * scans as it would without it.
 */
class IndexAtCloseTests {

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events.ndjson");
	}

	private static EventStore open(Path journal) {
		return EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build();
	}

	/** Over a mebibyte of batches and single appends across 20 streams. */
	private static void append(EventStore store, int events) {
		List<NewEvent> batch = new ArrayList<>();
		for (int i = 0; i < events; i++) {
			NewEvent event = NewEvent.of("Noted", Map.of("i", i, "pad", "x".repeat(200)));
			if (i % 7 == 0) {
				store.append("single-" + (i % 3), event);
				continue;
			}
			batch.add(event);
			if (batch.size() == 50 || i == events - 1) {
				store.appendBatch("s-" + (i / 50) % 20, batch);
				batch = new ArrayList<>();
			}
		}
		if (!batch.isEmpty()) {
			store.appendBatch("s-0", batch);
		}
	}

	private List<StoredEvent> writeAndClose(int events) {
		try (EventStore store = open(journal())) {
			append(store, events);
			return store.readAll(1, Integer.MAX_VALUE);
		}
	}

	private IndexAtClose.@Nullable State load() throws IOException {
		try (FileChannel channel = FileChannel.open(journal(), StandardOpenOption.READ)) {
			return IndexAtClose.load(journal(), channel);
		}
	}

	private Recovery.Result scan() throws IOException {
		try (FileChannel channel = FileChannel.open(journal(), StandardOpenOption.READ)) {
			return Recovery.scan(journal(), channel);
		}
	}

	private static Map<String, List<Long>> streams(JournalIndex index) {
		Map<String, List<Long>> streams = new HashMap<>();
		index.forEachStream((id, positions) -> streams.put(id, Arrays.stream(positions).boxed().toList()));
		return streams;
	}

	@Test
	void aCleanCloseRecordsWhatAScanOfTheFileWouldBuild() throws IOException {
		writeAndClose(6_000);
		assertThat(IndexAtClose.pathOf(journal())).exists();
		IndexAtClose.State loaded = load();
		Recovery.Result scanned = scan();
		assertThat(loaded).isNotNull();
		assertThat(loaded.index().lineOffsets()).isEqualTo(scanned.index().lineOffsets());
		assertThat(streams(loaded.index())).isEqualTo(streams(scanned.index())).hasSize(23);
		assertThat(loaded.ids().slots()).isEqualTo(scanned.ids().slots());
		assertThat(loaded.ids().size()).isEqualTo(scanned.ids().size()).isEqualTo(6_000);
		assertThat(loaded.length()).isEqualTo(scanned.keptEnd()).isEqualTo(Files.size(journal()));
		assertThat(loaded.lastPosition()).isEqualTo(scanned.lastPosition()).isEqualTo(6_000);
		assertThat(loaded.legacyEnd()).isEqualTo(scanned.legacyEnd());
		assertThat(loaded.lines()).isEqualTo(scanned.lines()).isEqualTo(6_000);
	}

	@Test
	void manyStreamsOfEveryIdLengthAreFoundInTheRecordedTableAsInAScan() throws IOException {
		List<String> ids = new ArrayList<>();
		try (EventStore store = open(journal())) {
			for (int i = 0; i < 3_000; i++) {
				// Short, long and multi-byte ids, so the table's probing and comparing
				// meet collisions of hash and of length.
				String id = switch (i % 3) {
					case 0 -> "s" + i;
					case 1 -> "stream-é-ü-" + i + "-" + "x".repeat(i % 40);
					default -> "Ω" + i;
				};
				ids.add(id);
				store.appendBatch(id, List.of(NewEvent.of("Noted", Map.of("i", i)), NewEvent.of("Noted", Map.of())));
			}
			// Enough bytes for an index at close.
			append(store, 2_000);
		}
		IndexAtClose.State loaded = load();
		Recovery.Result scanned = scan();
		assertThat(loaded).isNotNull();
		JournalIndex restored = loaded.index();
		for (String id : ids) {
			assertThat(restored.lastVersion(id)).as(id).isEqualTo(scanned.index().lastVersion(id)).isEqualTo(2);
			assertThat(restored.streamPositions(id, 1, 10, Long.MAX_VALUE))
				.isEqualTo(scanned.index().streamPositions(id, 1, 10, Long.MAX_VALUE));
		}
		assertThat(restored.lastVersion("never-written")).isZero();
		assertThat(restored.streamPositions("never-written", 1, 10, Long.MAX_VALUE)).isEmpty();
		assertThat(restored.streamCount((id) -> true)).isEqualTo(scanned.index().streamCount((id) -> true))
			.isEqualTo(3_023);
		assertThat(restored.streamCount((id) -> id.startsWith("Ω"))).isEqualTo(1_000);
		List<String> listed = new ArrayList<>();
		restored.streamIds(listed::add, 4, (id) -> true);
		assertThat(listed).containsExactlyInAnyOrder("s0", ids.get(1));
		try (EventStore store = open(journal())) {
			assertThat(store.streamCount()).isEqualTo(3_023);
			assertThat(store.streamIds("Ω1", null, 5)).hasSize(5).allSatisfy((id) -> assertThat(id).startsWith("Ω1"));
			store.append(ids.get(7), NewEvent.of("Noted", Map.of("late", true)), ExpectedVersion.exactly(2));
			assertThat(store.readStream(ids.get(7))).hasSize(3);
		}
	}

	@Test
	void aTruncationIntoTheRecordedLinesBringsEveryRecordedStreamToTheHeapAsAScanWouldHaveThem() throws IOException {
		writeAndClose(6_000);
		IndexAtClose.State loaded = load();
		Recovery.Result scanned = scan();
		assertThat(loaded).isNotNull();
		long end = scanned.index().lineOffsets()[4_000];
		loaded.index().truncate(4_000, end);
		scanned.index().truncate(4_000, end);
		assertThat(streams(loaded.index())).isEqualTo(streams(scanned.index()));
		assertThat(loaded.index().lineOffsets()).isEqualTo(scanned.index().lineOffsets());
		assertThat(loaded.index().streamCount((id) -> true)).isEqualTo(scanned.index().streamCount((id) -> true));
	}

	@Test
	void aJournalOpenedFromItsIndexReadsAppendsAndChecksAsAScannedOne() throws IOException {
		List<StoredEvent> written = writeAndClose(6_000);
		StoredEvent old = written.get(1234);
		try (EventStore store = open(journal())) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(written);
			assertThat(store.readStream("s-3"))
				.isEqualTo(written.stream().filter((e) -> e.streamId().equals("s-3")).toList());
			long version = store.readStream("s-3").size();
			assertThatExceptionOfType(ConcurrencyConflictException.class).isThrownBy(() -> store.append("s-3",
					NewEvent.of("Noted", Map.of("late", true)), ExpectedVersion.exactly(version - 1)));
			StoredEvent next = store.append("s-3", NewEvent.of("Noted", Map.of("late", true)),
					ExpectedVersion.exactly(version));
			assertThat(next.version()).isEqualTo(version + 1);
			assertThat(next.position()).isEqualTo(6_001);
			// An id stored before the close is found: the retry is answered, not written.
			StoredEvent retried = store.append(old.streamId(), NewEvent.of("Noted", old.data()).withId(old.id()));
			assertThat(retried).isEqualTo(old);
			assertThat(store.lastPosition()).isEqualTo(6_001);
			store.append("new-stream", NewEvent.of("Noted", Map.of("late", true)));
		}
		// Closed again: the recorded part and the appended one make one index, as a
		// scan's.
		IndexAtClose.State reloaded = load();
		Recovery.Result scanned = scan();
		assertThat(reloaded).isNotNull();
		assertThat(reloaded.index().lineOffsets()).isEqualTo(scanned.index().lineOffsets());
		assertThat(streams(reloaded.index())).isEqualTo(streams(scanned.index())).containsKey("new-stream");
		assertThat(reloaded.ids().size()).isEqualTo(scanned.ids().size()).isEqualTo(6_002);
		try (EventStore store = open(journal())) {
			List<StoredEvent> all = store.readAll(1, Integer.MAX_VALUE);
			assertThat(all).hasSize(6_002);
			for (StoredEvent event : List.of(all.get(0), all.get(3_000), all.get(6_000), all.get(6_001))) {
				assertThat(store.append(event.streamId(), NewEvent.of("Noted", event.data()).withId(event.id())))
					.as("a retry of position %d is found", event.position())
					.isEqualTo(event);
			}
			assertThat(store.lastPosition()).isEqualTo(6_002);
		}
	}

	@Test
	void appendsAfterTheIndexWasWrittenByAProcessThatThenCrashedAreScannedAfterWhatItCovers() throws IOException {
		writeAndClose(6_000);
		Path saved = this.dir.resolve("saved-index");
		Files.copy(IndexAtClose.pathOf(journal()), saved);
		List<StoredEvent> all;
		try (EventStore store = open(journal())) {
			append(store, 700);
			all = store.readAll(1, Integer.MAX_VALUE);
		}
		// What a crash after those appends leaves: the index of the close before them,
		// and a torn last write.
		Files.copy(saved, IndexAtClose.pathOf(journal()), StandardCopyOption.REPLACE_EXISTING);
		long complete = Files.size(journal());
		Files.write(journal(), "{\"event_id\":6701,\"str".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
		IndexAtClose.State loaded = load();
		assertThat(loaded).as("the index still holds for the bytes it covers").isNotNull();
		assertThat(loaded.lastPosition()).isEqualTo(6_000);
		try (EventStore store = open(journal())) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(all);
			assertThat(store.readStream("single-1"))
				.isEqualTo(all.stream().filter((e) -> e.streamId().equals("single-1")).toList());
			assertThat(Files.size(journal())).as("the torn write is cut off").isEqualTo(complete);
			store.append("after", NewEvent.of("Noted", Map.of()));
			EventLogAssertions.assertConsistentLog(store.readAll(1, Integer.MAX_VALUE));
		}
		IndexAtClose.State rewritten = load();
		assertThat(rewritten).isNotNull();
		assertThat(rewritten.lastPosition()).isEqualTo(6_701);
	}

	@Test
	void aCopiedJournalIsScannedAndOpensTheSame() throws IOException {
		List<StoredEvent> written = writeAndClose(6_000);
		Path copy = this.dir.resolve("copy.ndjson");
		Files.copy(journal(), copy);
		Files.copy(IndexAtClose.pathOf(journal()), IndexAtClose.pathOf(copy));
		Files.setLastModifiedTime(copy, FileTime.from(Instant.now().plusSeconds(5)));
		try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
			assertThat(IndexAtClose.load(copy, channel)).as("a copy has a time of its own: scanned").isNull();
		}
		try (EventStore store = open(copy)) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(written);
		}
	}

	@Test
	void aForeignEditInPlaceIsScannedAndItsDamageFoundAsWithoutTheIndex() throws IOException {
		writeAndClose(6_000);
		long middle = Files.size(journal()) / 2;
		try (FileChannel channel = FileChannel.open(journal(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer one = ByteBuffer.allocate(1);
			channel.read(one, middle);
			channel.write(ByteBuffer.wrap(new byte[] { (byte) (one.get(0) == 'x' ? 'y' : 'x') }), middle);
		}
		// An edit comes later than the close: its time is the file's new time.
		Files.setLastModifiedTime(journal(), FileTime.from(Instant.now().plusSeconds(5)));
		assertThat(load()).isNull();
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> open(journal()).close())
			.withMessageContaining("valid events follow it");
	}

	@Test
	void anotherJournalInItsPlaceIsScanned() throws IOException {
		writeAndClose(6_000);
		Path saved = this.dir.resolve("saved-index");
		Files.copy(IndexAtClose.pathOf(journal()), saved);
		Files.delete(journal());
		Files.delete(IndexAtClose.pathOf(journal()));
		List<StoredEvent> other = writeAndClose(6_500);
		Files.copy(saved, IndexAtClose.pathOf(journal()), StandardCopyOption.REPLACE_EXISTING);
		assertThat(load()).as("a longer journal whose bytes are not those covered").isNull();
		try (EventStore store = open(journal())) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(other);
		}
	}

	@Test
	void aJournalCutShorterThanItsIndexIsScanned() throws IOException {
		writeAndClose(6_000);
		Recovery.Result full = scan();
		long cut = full.index().lineOffsets()[5_000];
		try (FileChannel channel = FileChannel.open(journal(), StandardOpenOption.WRITE)) {
			channel.truncate(cut);
		}
		assertThat(load()).isNull();
		// Cut inside a batch: the scan drops the batch's part, as without the index.
		long kept = scan().lastPosition();
		assertThat(kept).isBetween(4_950L, 5_000L);
		try (EventStore store = open(journal())) {
			assertThat(store.lastPosition()).isEqualTo(kept);
		}
	}

	@Test
	void aDamagedIndexIsScannedAroundAndReplacedAtTheNextClose() throws IOException {
		List<StoredEvent> written = writeAndClose(6_000);
		Path index = IndexAtClose.pathOf(journal());
		long[] damagedAt = { 10, Files.size(index) / 2, Files.size(index) - 3 };
		for (long at : damagedAt) {
			Path saved = this.dir.resolve("saved-index");
			Files.copy(index, saved, StandardCopyOption.REPLACE_EXISTING);
			try (FileChannel channel = FileChannel.open(index, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
				ByteBuffer one = ByteBuffer.allocate(1);
				channel.read(one, at);
				channel.write(ByteBuffer.wrap(new byte[] { (byte) ~one.get(0) }), at);
			}
			assertThat(load()).as("damaged at byte %d", at).isNull();
			try (EventStore store = open(journal())) {
				assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(written);
			}
			assertThat(load()).as("rewritten at the close").isNotNull();
		}
		Files.write(index, new byte[] { 1, 2, 3 });
		assertThat(load()).isNull();
		Files.write(index, new byte[0]);
		assertThat(load()).isNull();
	}

	@Test
	void aSmallJournalLeavesNoIndexAndDropsAnEarlierOne() throws IOException {
		writeAndClose(6_000);
		Recovery.Result full = scan();
		try (FileChannel channel = FileChannel.open(journal(), StandardOpenOption.WRITE)) {
			channel.truncate(full.index().lineOffsets()[100]);
		}
		long kept = scan().lastPosition();
		try (EventStore store = open(journal())) {
			assertThat(store.lastPosition()).isEqualTo(kept).isBetween(50L, 100L);
		}
		assertThat(IndexAtClose.pathOf(journal())).doesNotExist();
	}

	@Test
	void convertingToSegmentsDropsTheSingleFilesIndex() throws IOException {
		List<StoredEvent> written = writeAndClose(6_000);
		try (EventStore store = EventStore.builder().persistPath(journal()).segmentSize(1L << 20).build()) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(written);
		}
		assertThat(IndexAtClose.pathOf(journal())).doesNotExist();
	}

	@Test
	void aJournalWhoseIndexCannotBeWrittenStillClosesAndOpensByScanning() throws IOException {
		List<StoredEvent> written = writeAndClose(6_000);
		Path index = IndexAtClose.pathOf(journal());
		Files.delete(index);
		// A directory where the temporary file would go: the write fails.
		Files.createDirectory(index.resolveSibling(index.getFileName() + ".tmp"));
		Files.createFile(index.resolveSibling(index.getFileName() + ".tmp").resolve("blocker"));
		try (EventStore store = open(journal())) {
			store.append("after", NewEvent.of("Noted", Map.of("id", UUID.randomUUID().toString())));
		}
		assertThat(index).doesNotExist();
		try (EventStore store = open(journal())) {
			assertThat(store.readAll(1, 6_000)).isEqualTo(written);
			assertThat(store.lastPosition()).isEqualTo(6_001);
		}
	}

}
