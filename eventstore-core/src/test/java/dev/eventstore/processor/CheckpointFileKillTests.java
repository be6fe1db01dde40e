package dev.eventstore.processor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.eventstore.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process killed with SIGKILL while it saves checkpoints leaves the old or the new one,
 * whole: the next load never fails and never goes backwards.
 */
class CheckpointFileKillTests {

	@TempDir
	Path dir;

	@Test
	void aKillDuringCheckpointWritesLeavesAWholeCheckpoint() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		long previous = 0;
		for (int round = 0; round < 4; round++) {
			Process child = ChildJvm.start(CheckpointWriter.class, List.of(), journal.toString());
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				assertThat(out.readLine()).isEqualTo("saving");
				Thread.sleep(ThreadLocalRandom.current().nextInt(20, 200));
				child.destroyForcibly();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			}
			Optional<Checkpoint> loaded = CheckpointStore.besideJournal(journal).load("killed");
			assertThat(loaded).isPresent();
			Checkpoint checkpoint = loaded.get();
			assertThat(checkpoint.position()).isGreaterThan(previous);
			assertThat(checkpoint.replayUntil()).isEqualTo(checkpoint.position() / 2);
			previous = checkpoint.position();
		}
		try (var files = Files.list(this.dir)) {
			assertThat(files.map((f) -> f.getFileName().toString()))
				.allMatch((name) -> name.startsWith("events.ndjson.killed.checkpoint"));
		}
	}

}
