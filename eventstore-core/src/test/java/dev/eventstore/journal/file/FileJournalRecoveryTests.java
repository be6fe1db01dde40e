package dev.eventstore.journal.file;

import dev.eventstore.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.JsonData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FileJournalRecoveryTests {

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events.ndjson");
	}

	private List<StoredEvent> writeSample() {
		try (EventStore store = EventStore.open(journal())) {
			store.append("a", NewEvent.of("One", Map.of("n", 1)));
			store.appendBatch("b", List.of(NewEvent.of("Two", Map.of("n", 2)), NewEvent.of("Three", Map.of("n", 3)),
					NewEvent.of("Four", Map.of("n", 4))));
			store.append("a", NewEvent.of("Five", Map.of("n", 5)));
			return store.readAll(1, 100);
		}
	}

	private List<StoredEvent> written() {
		try (EventStore store = EventStore.open(journal())) {
			return store.readAll(1, 100);
		}
	}

	/**
	 * A line as this store wrote it before events had ids: without {@code uuid}, its
	 * checksum computed again.
	 */
	private static String withoutId(String line) {
		String body = line.replaceAll(",\"uuid\":\"[0-9a-f-]{36}\"", "");
		body = body.substring(0, body.indexOf(",\"crc\":"));
		java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
		crc.update(body.getBytes(StandardCharsets.UTF_8));
		return body + ",\"crc\":\"" + String.format("%08x", (int) crc.getValue()) + "\"}";
	}

	@Test
	void journalsWrittenBeforeEventsHadIdsLoadWithIdsDerivedFromPositions() throws IOException {
		List<StoredEvent> written = writeSample();
		Files.write(journal(), lines().stream().map(FileJournalRecoveryTests::withoutId).toList());
		try (EventStore store = EventStore.open(journal())) {
			List<StoredEvent> read = store.readAll(1, 100);
			assertThat(read).extracting(StoredEvent::position, StoredEvent::data)
				.isEqualTo(written.stream()
					.map((e) -> org.assertj.core.groups.Tuple.tuple(e.position(), e.data()))
					.toList());
			assertThat(read).extracting(StoredEvent::id)
				.doesNotContainAnyElementsOf(written.stream().map(StoredEvent::id).toList())
				.doesNotHaveDuplicates();
			assertThat(store.readAll(1, 100)).extracting(StoredEvent::id)
				.isEqualTo(read.stream().map(StoredEvent::id).toList());
			NewEvent next = NewEvent.of("Six", Map.of("n", 6));
			store.append("a", next);
			assertThat(store.append("a", next, ExpectedVersion.exactly(2)).id()).isEqualTo(next.id());
			assertThat(store.lastPosition()).isEqualTo(6);
		}
	}

	@Test
	void retryAfterACrashBetweenWriteAndAcknowledgementFindsTheFirstTry() throws Exception {
		java.util.UUID id = java.util.UUID.randomUUID();
		Process child = ChildJvm.start(AppendThenDie.class, List.of(), journal().toString(), id.toString());
		assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).isEqualTo(137);
		try (EventStore store = EventStore.open(journal())) {
			var retry = store.appendBatch("cart-1", AppendThenDie.batch(id), ExpectedVersion.noStream());
			assertThat(retry.isDuplicate()).isTrue();
			assertThat(retry).extracting(StoredEvent::position).containsExactly(1L, 2L);
			assertThat(store.lastPosition()).isEqualTo(2);
		}
	}

	/** Appends a batch and dies before anyone hears of it, as a crash before the ack. */
	static final class AppendThenDie {

		static List<NewEvent> batch(java.util.UUID id) {
			return List.of(NewEvent.of("ItemAdded", Map.of("sku", "a")).withId(id),
					NewEvent.of("ItemAdded", Map.of("sku", "b"))
						.withId(new java.util.UUID(id.getMostSignificantBits(), id.getLeastSignificantBits() + 1)));
		}

		public static void main(String[] args) {
			EventStore store = EventStore.open(Path.of(args[0]));
			store.appendBatch("cart-1", batch(java.util.UUID.fromString(args[1])), ExpectedVersion.noStream());
			Runtime.getRuntime().halt(137);
		}

	}

	private List<String> lines() throws IOException {
		return Files.readAllLines(journal());
	}

	@Test
	void linesFollowTheDocumentedFormat() throws IOException {
		writeSample();
		List<String> lines = lines();
		assertThat(lines).hasSize(5);
		JsonNode single = JsonData.MAPPER.readTree(lines.get(0));
		assertThat(single.propertyNames()).containsExactly("event_id", "uuid", "stream_id", "event_type", "version",
				"data", "metadata", "timestamp", "crc");
		assertThat(single.get("uuid").asString()).isEqualTo(written().get(0).id().toString());
		assertThat(single.get("event_id").asLong()).isEqualTo(1);
		assertThat(single.get("metadata").isNull()).isTrue();
		assertThat(Instant.parse(single.get("timestamp").asString())).isNotNull();
		JsonNode inBatch = JsonData.MAPPER.readTree(lines.get(2));
		assertThat(inBatch.propertyNames()).contains("batch_end");
		assertThat(inBatch.get("batch_end").asLong()).isEqualTo(4);
		assertThat(inBatch.get("version").asLong()).isEqualTo(2);
		assertThat(inBatch.get("data").get("n").asInt()).isEqualTo(3);
	}

	@Test
	void tornLastLineIsTruncatedOnOpen() throws IOException {
		List<StoredEvent> written = writeSample();
		long size = Files.size(journal());
		Files.writeString(journal(), "{\"event_id\":6,\"stream_id\":\"a\",\"eve", StandardOpenOption.APPEND);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).isEqualTo(written);
			assertThat(Files.size(journal())).isEqualTo(size);
			assertThat(store.append("a", NewEvent.of("Six", Map.of())).position()).isEqualTo(6);
		}
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).hasSize(6);
		}
	}

	@Test
	void incompleteTrailingBatchIsDroppedWhole() throws IOException {
		List<StoredEvent> written = writeSample();
		List<String> lines = lines();
		// Keep the single event and two of the batch's three lines.
		Files.writeString(journal(), String.join("\n", lines.subList(0, 3)) + "\n");
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).containsExactly(written.get(0));
			assertThat(store.streamVersion("b")).isZero();
			assertThat(store.appendBatch("b", List.of(NewEvent.of("Again", Map.of())), ExpectedVersion.noStream())
				.get(0)
				.position()).isEqualTo(2);
		}
	}

	@Test
	void damagedLineInTheMiddleFailsTheOpenNamingFileLineAndOffset() throws IOException {
		writeSample();
		List<String> lines = lines();
		long offset = lines.get(0).length() + 1;
		lines.set(1, lines.get(1).replace("\"stream_id\"", "\"stream_id\"\"broken"));
		Files.write(journal(), lines);
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal()))
			.satisfies((ex) -> {
				assertThat(ex.file()).isEqualTo(journal().toAbsolutePath());
				assertThat(ex.line()).isEqualTo(2);
				assertThat(ex.offset()).isEqualTo(offset);
				assertThat(ex).hasMessageContaining(journal().getFileName().toString())
					.hasMessageContaining("line 2")
					.hasMessageContaining("not a torn write");
			});
		// The store did not cut anything off the damaged file.
		assertThat(lines()).hasSize(5);
	}

	@Test
	void silentlyChangedDataInTheMiddleIsCaughtByTheChecksum() throws IOException {
		writeSample();
		List<String> lines = lines();
		lines.set(0, lines.get(0).replace("\"n\":1", "\"n\":7"));
		Files.write(journal(), lines);
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal()))
			.withMessageContaining("line 1")
			.withMessageContaining("checksum mismatch");
	}

	@Test
	void eventIdOutOfSequenceIsCorruption() throws IOException {
		writeSample();
		List<String> lines = lines();
		Files.write(journal(), List.of(lines.get(0), lines.get(4)));
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal()))
			.withMessageContaining("event_id 5 where 2 was expected");
	}

	@Test
	void damagedLastLineIsTreatedAsATornWrite() throws IOException {
		assertLastLineIsCutAndSaved((line) -> line.replace("\"n\":5", "\"n\":6"));
	}

	/** Damages the sample's last line; the open cuts exactly it and saves it. */
	private void assertLastLineIsCutAndSaved(java.util.function.UnaryOperator<String> damage) throws IOException {
		List<StoredEvent> written = writeSample();
		List<String> lines = lines();
		lines.set(4, damage.apply(lines.get(4)));
		Files.write(journal(), lines);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).isEqualTo(written.subList(0, 4));
		}
		assertThat(Files.readString(onlySideFile())).isEqualTo(lines.get(4) + "\n");
	}

	@Test
	void zeroFilledTailIsTruncated() throws IOException {
		List<StoredEvent> written = writeSample();
		long size = Files.size(journal());
		Files.write(journal(), new byte[4096], StandardOpenOption.APPEND);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).isEqualTo(written);
		}
		assertThat(Files.size(journal())).isEqualTo(size);
	}

	// --- a damaged checksum never switches the check off

	@Test
	void damagedChecksumFieldInTheMiddleIsCorruptionNotALegacyLine() throws IOException {
		writeSample();
		List<String> lines = lines();
		// Two damaged bytes: the checksum's key and a value it would have caught.
		lines.set(0, lines.get(0).replace("\"crc\":", "\"crx\":").replace("\"n\":1", "\"n\":7"));
		Files.write(journal(), lines);
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal()))
			.withMessageContaining("line 1")
			.withMessageContaining("without a valid \"crc\" checksum");
		assertThat(lines()).hasSize(5);
	}

	@Test
	void damagedChecksumFieldOnTheLastLineIsCutLikeATornWriteAndSaved() throws IOException {
		assertLastLineIsCutAndSaved((line) -> line.replace("\"crc\":", "\"crX\":"));
	}

	@Test
	void legacyLineAfterLinesOfThisFormatIsCorruption() throws IOException {
		try (EventStore store = EventStore.open(journal())) {
			for (int i = 1; i <= 3; i++) {
				store.append("a", NewEvent.of("E", Map.of("n", i)));
			}
		}
		List<String> lines = lines();
		lines.set(1, "{\"event_id\": 2, \"stream_id\": \"a\", \"event_type\": \"E\", \"data\": {\"n\": 9}, "
				+ "\"metadata\": null, \"timestamp\": \"2026-05-29T11:15:00\"}");
		Files.write(journal(), lines);
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal()))
			.withMessageContaining("line 2")
			.withMessageContaining("without a checksum after lines of this store's format");
	}

	@Test
	void readingALineThatLostItsChecksumFailsEvenAfterOpen() throws IOException {
		try (EventStore store = EventStore.open(journal())) {
			store.append("a", NewEvent.of("E", Map.of("n", 1)));
			store.append("a", NewEvent.of("E", Map.of("n", 2)));
			List<String> lines = lines();
			String own = lines.get(1);
			String legacy = own.replaceAll(",\"crc\":\"[0-9a-f]{8}\"", "")
				.replaceAll(",\"uuid\":\"[0-9a-f-]{36}\"", "")
				.replace(",\"version\":2", "")
				.replace("\"n\":2", "\"n\":5");
			lines.set(1, legacy.substring(0, legacy.length() - 1) + " ".repeat(own.length() - legacy.length()) + "}");
			Files.write(journal(), lines);
			assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> store.readAll(1, 10))
				.withMessageContaining("position 2 has lost its checksum");
		}
	}

	// --- recovery never destroys bytes

	private List<Path> sideFiles() throws IOException {
		try (var files = Files.list(this.dir)) {
			return files.filter((f) -> f.getFileName().toString().startsWith("events.ndjson.cut-")).toList();
		}
	}

	private Path onlySideFile() throws IOException {
		List<Path> sideFiles = sideFiles();
		assertThat(sideFiles).hasSize(1);
		return sideFiles.get(0);
	}

	@Test
	void oneBitFlipInTheLastBatchIsCutButSavedBesideTheJournal() throws IOException {
		List<StoredEvent> written = writeSample();
		byte[] bytes = Files.readAllBytes(journal());
		long lastLineStart = Files.readString(journal()).lastIndexOf('\n', bytes.length - 2) + 1;
		int flipped = (int) lastLineStart + 40;
		bytes[flipped] ^= 0x01;
		Files.write(journal(), bytes);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).isEqualTo(written.subList(0, 4));
		}
		Path side = onlySideFile();
		assertThat(side.getFileName().toString()).startsWith("events.ndjson.cut-" + lastLineStart + "-");
		assertThat(Files.readAllBytes(side))
			.isEqualTo(java.util.Arrays.copyOfRange(bytes, (int) lastLineStart, bytes.length));
		assertThat(Files.size(journal())).isEqualTo(lastLineStart);
	}

	@Test
	void cutOfAnIncompleteBatchIsSaved() throws IOException {
		writeSample();
		List<String> lines = lines();
		Files.write(journal(), lines.subList(0, 3));
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.lastPosition()).isEqualTo(1);
		}
		assertThat(Files.readString(onlySideFile())).isEqualTo(lines.get(1) + "\n" + lines.get(2) + "\n");
	}

	@Test
	void filesThatAreNotJournalsAreRefusedAndLeftUntouched() throws IOException {
		byte[] random = new byte[10_000];
		new java.util.Random(42).nextBytes(random);
		Map<String, byte[]> notJournals = Map.of("random bytes", random, "a CSV",
				"id,name\n1,ann\n2,bob\n".getBytes(StandardCharsets.UTF_8), "another program's JSON lines",
				"{\"id\":1,\"name\":\"ann\"}\n{\"id\":2,\"name\":\"bob\"}\n".getBytes(StandardCharsets.UTF_8),
				"one line of text", "hello".getBytes(StandardCharsets.UTF_8));
		for (Map.Entry<String, byte[]> notJournal : notJournals.entrySet()) {
			Files.write(journal(), notJournal.getValue());
			assertThatException().isThrownBy(() -> EventStore.open(journal()))
				.as(notJournal.getKey())
				.isInstanceOf(JournalCorruptedException.class)
				.withMessageContaining("not a journal")
				.withMessageContaining("left untouched");
			assertThat(Files.readAllBytes(journal())).as(notJournal.getKey()).isEqualTo(notJournal.getValue());
			assertThat(sideFiles()).as(notJournal.getKey()).isEmpty();
		}
	}

	@Test
	void tornFirstWriteIsCutAndSaved() throws IOException {
		String torn = "{\"event_id\":1,\"stream_id\":\"a\",\"event_ty";
		Files.writeString(journal(), torn);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.lastPosition()).isZero();
			assertThat(store.append("a", NewEvent.of("E", Map.of())).position()).isEqualTo(1);
		}
		assertThat(Files.readString(onlySideFile())).isEqualTo(torn);
	}

	@Test
	void zeroFilledFileIsATornWriteNotAForeignFile() throws IOException {
		Files.write(journal(), new byte[8192]);
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.lastPosition()).isZero();
		}
		assertThat(Files.readAllBytes(onlySideFile())).isEqualTo(new byte[8192]);
	}

	@Test
	void loadsJournalsWrittenByThePythonStore() throws IOException {
		Files.writeString(journal(),
				"""
						{"event_id": 1, "stream_id": "order-1", "event_type": "OrderPlaced", "data": {"sku": "A", "qty": 2}, "metadata": null, "timestamp": "2026-05-29T11:15:00.123456"}
						{"event_id": 2, "stream_id": "order-2", "event_type": "OrderPlaced", "data": {"sku": "B", "qty": 1}, "metadata": {"user": "bob"}, "timestamp": "2026-05-29T11:16:00"}
						{"event_id": 3, "stream_id": "order-1", "event_type": "OrderShipped", "data": {}, "metadata": null, "timestamp": "2026-05-29T11:17:00.5+02:00"}
						""");
		try (EventStore store = EventStore.open(journal())) {
			List<StoredEvent> all = store.readAll(1, 10);
			assertThat(all).extracting(StoredEvent::streamId, StoredEvent::version)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("order-1", 1L),
						org.assertj.core.groups.Tuple.tuple("order-2", 1L),
						org.assertj.core.groups.Tuple.tuple("order-1", 2L));
			assertThat(all.get(0).timestamp()).isEqualTo(Instant.parse("2026-05-29T11:15:00.123456Z"));
			assertThat(all.get(2).timestamp()).isEqualTo(Instant.parse("2026-05-29T09:17:00.5Z"));
			assertThat(all.get(1).metadata()).containsEntry("user", "bob");
			assertThat(store.readStream("order-1")).extracting(StoredEvent::type)
				.containsExactly("OrderPlaced", "OrderShipped");
			StoredEvent next = store.append("order-1", NewEvent.of("OrderDelivered", Map.of()),
					ExpectedVersion.exactly(2));
			assertThat(next.position()).isEqualTo(4);
			assertThat(next.version()).isEqualTo(3);
		}
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readStream("order-1")).hasSize(3);
		}
	}

	@Test
	void createsMissingParentDirectories() {
		Path nested = this.dir.resolve("a/b/c/events.ndjson");
		try (EventStore store = EventStore.open(nested)) {
			store.append("s", NewEvent.of("E", Map.of()));
		}
		assertThat(nested).exists();
	}

	@Test
	void aDirectoryIsNotAJournal() throws IOException {
		Path directory = Files.createDirectories(this.dir.resolve("not-a-file"));
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(directory))
			.withMessageContaining(directory.toString())
			.withMessageContaining("is a directory");
	}

	@Test
	void blankLinesAreSkipped() throws IOException {
		List<StoredEvent> written = writeSample();
		List<String> lines = lines();
		Files.writeString(journal(), lines.get(0) + "\n\n" + String.join("\r\n", lines.subList(1, 5)) + "\n\n");
		try (EventStore store = EventStore.open(journal())) {
			assertThat(store.readAll(1, 100)).isEqualTo(written);
			assertThat(store.readStream("a")).containsExactly(written.get(0), written.get(4));
			assertThat(store.readStream("b")).isEqualTo(written.subList(1, 4));
		}
	}

}
