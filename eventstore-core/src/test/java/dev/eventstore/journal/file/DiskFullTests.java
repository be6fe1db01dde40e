package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventLogAssertions;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fills a real, tiny tmpfs until the disk is full. Needs root and permission to mount;
 * skipped with the reason elsewhere.
 */
class DiskFullTests {

	@TempDir
	Path dir;

	private Path mount;

	@BeforeEach
	void mountTinyTmpfs() throws Exception {
		this.mount = Files.createDirectories(this.dir.resolve("tiny"));
		String mountFailure = run("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", this.mount.toString());
		assumeTrue(mountFailure == null, () -> "cannot mount a tmpfs here (needs root): " + mountFailure);
	}

	@AfterEach
	void unmount() throws Exception {
		if (this.mount != null) {
			run("umount", this.mount.toString());
		}
	}

	@Test
	void fullDiskFailsTheAppendCleanlyAndTheStoreWorksOnceSpaceIsFreed() throws IOException {
		Path journal = this.mount.resolve("events.ndjson");
		Path filler = this.mount.resolve("filler");
		Files.write(filler, new byte[64 * 1024]);
		List<StoredEvent> acknowledged = new ArrayList<>();
		EventStoreException failure = null;
		try (EventStore store = EventStore.open(journal)) {
			for (int i = 0; i < 10_000 && failure == null; i++) {
				try {
					acknowledged.addAll(store.appendBatch("s-" + (i % 3),
							List.of(NewEvent.of("E", Map.of("i", i, "pad", "x".repeat(300))),
									NewEvent.of("E", Map.of("i", i, "pad", "y".repeat(300))))));
				}
				catch (EventStoreException ex) {
					failure = ex;
				}
			}
			assertThat(failure).as("the disk filled up").isNotNull();
			assertThat(failure).hasMessageContaining("No space left on device");
			assertThat(store.readAll(1, 100_000)).isEqualTo(acknowledged);
			assertThat(store.lastPosition()).isEqualTo(acknowledged.size());
			assertThatThrownBy(() -> store.append("s", NewEvent.of("E", Map.of("pad", "z".repeat(2000)))))
				.isInstanceOf(EventStoreException.class);
			Files.delete(filler);
			StoredEvent after = store.append("s", NewEvent.of("AfterSpaceFreed", Map.of()));
			assertThat(after.position()).isEqualTo(acknowledged.size() + 1);
			acknowledged.add(after);
		}
		try (EventStore store = EventStore.open(journal)) {
			List<StoredEvent> all = store.readAll(1, 100_000);
			assertThat(all).isEqualTo(acknowledged);
			EventLogAssertions.assertConsistentLog(all);
		}
	}

	/** Runs a command; returns null on success, else what it said. */
	private static String run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			return "timed out";
		}
		return (process.exitValue() == 0) ? null : output.isBlank() ? "exit " + process.exitValue() : output.strip();
	}

}
