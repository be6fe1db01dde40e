package dev.eventstore.journal.file;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.eventstore.ChildJvm;
import dev.eventstore.EventStore;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A line longer than any event (zero fill after the last line, garbage without a newline)
 * is damage, handled in bounded memory: opening and verifying run in a JVM whose heap is
 * smaller than the damage.
 */
class OverlongLineTests {

	/**
	 * The code before read an unterminated line into a buffer doubled until it held it
	 * (128 MiB here, 96 MiB live while copying); reading it now holds about 32 MiB at
	 * most.
	 */
	private static final long ZERO_FILL = 64L << 20;

	private static final List<String> SMALL_HEAP = List.of("-Xmx64m");

	@TempDir
	Path dir;

	private Path journalWithFiveEvents() {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore store = EventStore.open(journal)) {
			for (int i = 0; i < 5; i++) {
				store.append("s", NewEvent.of("E", Map.of("n", i)));
			}
		}
		return journal;
	}

	/** Appends {@link #ZERO_FILL} zeros, as a sparse extension of the file. */
	private static void zeroFill(Path journal, long size) throws Exception {
		try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
			file.setLength(size + ZERO_FILL);
		}
	}

	@Test
	void zeroFillLongerThanAnyEventIsCutOffIntoASideFileInBoundedMemory() throws Exception {
		Path journal = journalWithFiveEvents();
		long size = Files.size(journal);
		zeroFill(journal, size);
		assertThat(runChild(OpenAndCount.class, journal)).containsExactly("5");
		assertThat(Files.size(journal)).isEqualTo(size);
		try (Stream<Path> files = Files.list(this.dir)) {
			List<Path> cuts = files.filter((file) -> file.getFileName().toString().startsWith("events.ndjson.cut-"))
				.toList();
			assertThat(cuts).hasSize(1);
			assertThat(Files.size(cuts.get(0))).isEqualTo(ZERO_FILL);
		}
	}

	@Test
	void verifyReportsZeroFillAsDamageInBoundedMemory() throws Exception {
		Path journal = journalWithFiveEvents();
		long size = Files.size(journal);
		zeroFill(journal, size);
		List<String> printed = runChild(Verify.class, journal);
		assertThat(printed)
			.anySatisfy((line) -> assertThat(line).contains("line 6 at " + size).contains("longer than any event"));
		assertThat(printed).last().isEqualTo("events 5");
		assertThat(Files.size(journal)).isEqualTo(size + ZERO_FILL);
	}

	@Test
	void anOverlongLineFollowedByValidLinesFailsTheOpenAndCutsNothing() throws Exception {
		Path journal = journalWithFiveEvents();
		List<String> lines = Files.readAllLines(journal);
		byte[] garbage = new byte[LineFormat.MAX_LINE_BYTES + 10];
		java.util.Arrays.fill(garbage, (byte) 'x');
		Files.write(journal, garbage, StandardOpenOption.APPEND);
		Files.writeString(journal, "\n" + lines.get(4) + "\n", StandardOpenOption.APPEND);
		long size = Files.size(journal);
		assertThatExceptionOfType(JournalCorruptedException.class).isThrownBy(() -> EventStore.open(journal))
			.withMessageContaining("longer than any event")
			.withMessageContaining("valid events follow it");
		assertThat(Files.size(journal)).isEqualTo(size);
	}

	private static List<String> runChild(Class<?> main, Path journal) throws Exception {
		Process child = ChildJvm.start(main, SMALL_HEAP, journal.toString());
		List<String> lines = new ArrayList<>();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = out.readLine(); line != null; line = out.readLine()) {
				lines.add(line);
			}
		}
		assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(child.exitValue()).as("the child's exit code (stderr shows why)").isZero();
		return lines;
	}

	/** Opens a journal and prints its last position. */
	static final class OpenAndCount {

		public static void main(String[] args) {
			try (EventStore store = EventStore.open(Path.of(args[0]))) {
				System.out.println(store.lastPosition());
			}
		}

	}

	/** Verifies a journal and prints each problem, then the count of events. */
	static final class Verify {

		public static void main(String[] args) {
			JournalFiles.Summary summary = JournalFiles
				.verify(Path.of(args[0]),
						(problem) -> System.out
							.println(problem.message() + " line " + problem.line() + " at " + problem.offset()),
						(read) -> {
						});
			System.out.println("events " + summary.events());
		}

	}

}
