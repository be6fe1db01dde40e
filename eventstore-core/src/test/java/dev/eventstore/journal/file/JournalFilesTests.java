package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JournalFilesTests {

	@TempDir
	Path dir;

	private Path journalOf(int singles) {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build()) {
			for (int i = 0; i < singles; i++) {
				store.append("s-" + (i % 3), NewEvent.of("E", Map.of("i", i)));
			}
			store.appendBatch("batch", List.of(NewEvent.of("B", Map.of()), NewEvent.of("B", Map.of())));
		}
		return journal;
	}

	private static List<JournalFiles.Problem> verify(Path journal) {
		List<JournalFiles.Problem> problems = new ArrayList<>();
		JournalFiles.verify(journal, problems::add, (bytes) -> {
		});
		return problems;
	}

	@Test
	void aSoundJournalVerifiesWithASummaryAndIsLeftAsItWas() throws Exception {
		Path journal = journalOf(10);
		byte[] before = Files.readAllBytes(journal);
		List<JournalFiles.Problem> problems = new ArrayList<>();
		JournalFiles.Summary summary = JournalFiles.verify(journal, problems::add, (bytes) -> {
		});
		assertThat(problems).isEmpty();
		assertThat(summary).isEqualTo(new JournalFiles.Summary(12, 4, 1, 12, before.length, 0));
		assertThat(Files.readAllBytes(journal)).isEqualTo(before);
	}

	@Test
	void eachProblemIsReportedWithItsLineAndOffset() throws Exception {
		Path journal = journalOf(4);
		List<String> lines = new ArrayList<>(Files.readAllLines(journal));
		long secondOffset = lines.get(0).getBytes(StandardCharsets.UTF_8).length + 1;
		lines.set(1, lines.get(1).replace("\"E\"", "\"X\""));
		lines.remove(2);
		String text = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n"
				+ lines.get(lines.size() - 1).substring(0, 20);
		Files.writeString(journal, text);
		List<JournalFiles.Problem> problems = verify(journal);
		assertThat(problems).extracting(JournalFiles.Problem::line).containsExactly(2L, 3L, 4L, 5L);
		assertThat(problems.get(0).offset()).isEqualTo(secondOffset);
		assertThat(problems.get(0).message()).startsWith("damaged line:");
		assertThat(problems.get(1).message()).isEqualTo("position 4 where 3 was expected (a gap or a duplicate)");
		assertThat(problems.get(2).message())
			.isEqualTo("the batch ending at position 6 is incomplete at the end of the file");
		assertThat(problems.get(3).message()).isEqualTo("the file ends with an unterminated line (a torn write)");
	}

	@Test
	void theReaderFollowsAJournalAnApplicationWritesAndHoldsBackHalfBatches() throws Exception {
		Path journal = this.dir.resolve("live.ndjson");
		try (EventStore store = EventStore.open(journal);
				JournalFiles.Reader reader = new JournalFiles.Reader(journal)) {
			assertThat(reader.poll()).isEmpty();
			store.append("s", NewEvent.of("A", Map.of()));
			assertThat(reader.poll()).extracting(StoredEvent::type).containsExactly("A");
			store.appendBatch("s", List.of(NewEvent.of("B", Map.of()), NewEvent.of("C", Map.of())));
			assertThat(reader.poll()).extracting(StoredEvent::version).containsExactly(2L, 3L);
			assertThat(reader.poll()).isEmpty();
		}
		String lines = Files.readString(journal);
		Path half = this.dir.resolve("half.ndjson");
		Files.writeString(half, lines.substring(0, lines.lastIndexOf('\n', lines.length() - 2) + 1));
		try (JournalFiles.Reader reader = new JournalFiles.Reader(half)) {
			assertThat(reader.poll()).extracting(StoredEvent::type).containsExactly("A");
		}
	}

	@Test
	void cuttingKeepsWhatItRemovesAndRefusesWhatItShouldNot() throws Exception {
		Path journal = journalOf(3);
		byte[] before = Files.readAllBytes(journal);
		long offset = JournalFiles.offsetOf(journal, 3);
		try (EventStore store = EventStore.open(journal)) {
			assertThat(store.lastPosition()).isEqualTo(5);
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> JournalFiles.cutAt(journal, offset))
				.withMessageContaining("locked by another EventStore");
		}
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> JournalFiles.cutAt(journal, offset + 1))
			.withMessageContaining("not the start of a line");
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> JournalFiles.cutAt(journal, before.length + 10))
			.withMessageContaining("the file holds bytes 0 to");
		assertThat(Files.readAllBytes(journal)).isEqualTo(before);
		Path saved = JournalFiles.cutAt(journal, offset);
		assertThat(Files.size(journal)).isEqualTo(offset);
		assertThat(Files.readAllBytes(saved))
			.isEqualTo(java.util.Arrays.copyOfRange(before, (int) offset, before.length));
		try (EventStore store = EventStore.open(journal)) {
			assertThat(store.lastPosition()).isEqualTo(2);
		}
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> JournalFiles.offsetOf(journal, 99))
			.withMessageContaining("holds position 99");
	}

}
