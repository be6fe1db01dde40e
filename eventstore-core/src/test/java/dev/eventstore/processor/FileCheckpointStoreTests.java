package dev.eventstore.processor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.LongStream;

import dev.eventstore.EventStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The checkpoint files beside a journal against the contract. */
class FileCheckpointStoreTests extends CheckpointStoreContractTests {

	@TempDir
	Path dir;

	@Override
	protected CheckpointStore newStore() {
		return CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
	}

	@Override
	protected CheckpointStore reopen(CheckpointStore store) {
		return CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
	}

	private static ParkedEvent parked(long position) {
		return new ParkedEvent(position, "s", "E", 0, "held behind position 1", Instant.EPOCH);
	}

	@Test
	void parkingAppendsALineAChangeAndTheLogIsRewrittenWhenItOutgrowsWhatIsParked() throws Exception {
		CheckpointStore store = newStore();
		Path file = this.dir.resolve("events.ndjson.p.parked");
		for (long p = 1; p <= 200; p++) {
			store.park("p", parked(p));
		}
		for (long p = 1; p <= 150; p++) {
			store.unpark("p", p);
		}
		assertThat(Files.readAllLines(file).size()).isLessThanOrEqualTo(2 * 50 + 64);
		assertThat(reopen(store).parked("p")).extracting(ParkedEvent::position)
			.containsExactlyElementsOf(LongStream.rangeClosed(151, 200).boxed().toList());
		for (long p = 151; p <= 200; p++) {
			store.unpark("p", p);
		}
		assertThat(file).doesNotExist();
		assertThat(reopen(store).parked("p")).isEmpty();
	}

	@Test
	void passedEventsReachTheParkedFileWithTheCheckpointThatPassesThemAndBeforeIt() throws Exception {
		CheckpointStore store = newStore();
		Path file = this.dir.resolve("events.ndjson.p.parked");
		for (long p = 1; p <= 100; p++) {
			store.parkPassed("p", parked(p));
		}
		assertThat(file).as("one forced write a save, not one an event").doesNotExist();

		store.save("p", null, new Checkpoint(100, 0));
		assertThat(Files.readAllLines(file)).hasSize(100);
		assertThat(reopen(store).parked("p")).hasSize(100);
		assertThat(store.load("p")).contains(new Checkpoint(100, 0));

		ParkedEvent failedAgain = new ParkedEvent(7, "s", "E", 2, "failed again", Instant.EPOCH);
		store.park("p", failedAgain);
		assertThat(Files.readAllLines(file)).as("a replacement is written at once").hasSize(101);
		assertThat(reopen(store).parked("p")).contains(failedAgain);
	}

	@Test
	void aSaveWhoseParkedEventsCannotBeWrittenSavesNoCheckpointAndTheNextSaveWritesThemAll() throws Exception {
		CheckpointStore store = newStore();
		Path file = this.dir.resolve("events.ndjson.p.parked");
		store.parkPassed("p", parked(1));
		store.save("p", null, new Checkpoint(1, 0));
		store.parkPassed("p", parked(2));
		store.parkPassed("p", parked(3));
		Files.delete(file);
		Files.createDirectory(file);

		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> store.save("p", new Checkpoint(1, 0), new Checkpoint(3, 0)))
			.withMessageContaining("Cannot save the parked events of processor 'p'");
		assertThat(store.load("p")).contains(new Checkpoint(1, 0));

		Files.delete(file);
		store.save("p", new Checkpoint(1, 0), new Checkpoint(3, 0));
		assertThat(reopen(store).parked("p")).extracting(ParkedEvent::position).containsExactly(1L, 2L, 3L);
		assertThat(store.load("p")).contains(new Checkpoint(3, 0));
	}

	@Test
	void unparkingManyAtOnceWritesALineEachInOneWrite() throws Exception {
		CheckpointStore store = newStore();
		Path file = this.dir.resolve("events.ndjson.p.parked");
		for (long p = 1; p <= 300; p++) {
			store.park("p", parked(p));
		}
		store.unparkAll("p", LongStream.rangeClosed(1, 100).boxed().toList());
		assertThat(Files.readAllLines(file)).hasSize(400);
		assertThat(reopen(store).parked("p")).extracting(ParkedEvent::position)
			.containsExactlyElementsOf(LongStream.rangeClosed(101, 300).boxed().toList());
		store.unparkAll("p", LongStream.rangeClosed(101, 300).boxed().toList());
		assertThat(file).doesNotExist();
	}

	@Test
	void aTornLastLineOfTheParkedLogIsCutAndTheEventsBeforeItLoad() throws Exception {
		CheckpointStore store = newStore();
		store.park("p", parked(1));
		store.park("p", parked(2));
		store.save("p", null, new Checkpoint(2, 0));
		Path file = this.dir.resolve("events.ndjson.p.parked");
		byte[] whole = Files.readAllBytes(file);
		// A crash in the middle of a third park's append.
		Files.write(file, "{\"position\":3,\"str".getBytes(java.nio.charset.StandardCharsets.UTF_8),
				StandardOpenOption.APPEND);
		CheckpointStore reopened = reopen(store);
		assertThat(reopened.parked("p")).extracting(ParkedEvent::position).containsExactly(1L, 2L);
		assertThat(Files.readAllBytes(file)).isEqualTo(whole);
		reopened.park("p", parked(3));
		reopened.save("p", new Checkpoint(2, 0), new Checkpoint(3, 0));
		assertThat(reopen(store).parked("p")).extracting(ParkedEvent::position).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aDamagedLineInsideTheParkedLogIsReportedNamingTheFileAndLine() throws Exception {
		CheckpointStore store = newStore();
		store.park("p", parked(1));
		store.park("p", parked(2));
		store.save("p", null, new Checkpoint(2, 0));
		Path file = this.dir.resolve("events.ndjson.p.parked");
		String text = Files.readString(file);
		Files.writeString(file, text.replaceFirst("\"type\":\"E\"", "\"type\":\"X\""));
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> reopen(store).parked("p"))
			.withMessageContaining(file.toString())
			.withMessageContaining("damaged at line 1");
	}

	@Test
	void aProcessorNameThatCannotStandInAFileNameIsRefused() {
		CheckpointStore store = newStore();
		assertThatIllegalArgumentException().isThrownBy(() -> store.save("../escape", null, new Checkpoint(1, 0)));
		assertThat(this.dir).isEmptyDirectory();
	}

	@Test
	void aDamagedCheckpointIsReplacedByASaveThatExpectsNone() throws Exception {
		Path file = this.dir.resolve("events.ndjson.totals.checkpoint");
		Files.writeString(file, "{\"processor\":\"totals\",\"position\":1");
		CheckpointStore store = newStore();
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> store.load("totals"));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> store.save("totals", new Checkpoint(1, 0), new Checkpoint(2, 0)));
		store.save("totals", null, new Checkpoint(2, 0));
		assertThat(reopen(store).load("totals")).contains(new Checkpoint(2, 0));
	}

}
