package dev.eventstore.processor;

import java.nio.file.Files;
import java.nio.file.Path;

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
