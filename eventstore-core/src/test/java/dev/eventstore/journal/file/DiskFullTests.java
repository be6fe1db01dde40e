package dev.eventstore.journal.file;

import org.junit.jupiter.api.Test;

import java.nio.file.StandardOpenOption;

import java.nio.charset.StandardCharsets;

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
import dev.eventstore.FsyncPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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

	@ParameterizedTest
	@EnumSource(value = FsyncPolicy.class, names = { "ALWAYS", "NEVER" })
	void fullDiskFailsTheAppendCleanlyAndTheStoreWorksOnceSpaceIsFreed(FsyncPolicy fsync) throws IOException {
		Path journal = this.mount.resolve("events.ndjson");
		Path filler = this.mount.resolve("filler");
		Files.write(filler, new byte[64 * 1024]);
		List<StoredEvent> acknowledged = new ArrayList<>();
		List<EventStoreException> failures = new ArrayList<>();
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(fsync).build()) {
			// Append until the full disk has refused three times: a mapped journal may
			// still fit small appends into space it had allocated before the first
			// refusal.
			for (int i = 0; i < 10_000 && failures.size() < 3; i++) {
				try {
					acknowledged.addAll(store.appendBatch("s-" + (i % 3),
							List.of(NewEvent.of("E", Map.of("i", i, "pad", "x".repeat(300))),
									NewEvent.of("E", Map.of("i", i, "pad", "y".repeat(300))))));
				}
				catch (EventStoreException ex) {
					failures.add(ex);
				}
				assertThat(store.lastPosition()).as("failed appends leave no trace").isEqualTo(acknowledged.size());
			}
			assertThat(failures).as("the disk filled up").hasSize(3);
			assertThat(failures.get(0)).hasMessageContaining("No space left on device")
				.hasMessageContaining("nothing was stored");
			assertThat(store.readAll(1, 100_000)).isEqualTo(acknowledged);
			if (fsync == FsyncPolicy.ALWAYS) {
				// Every append is its own write call, so each one fails while the disk is
				// full.
				assertThatExceptionOfType(EventStoreException.class)
					.isThrownBy(() -> store.append("s", NewEvent.of("E", Map.of("pad", "z".repeat(2000)))));
			}
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

	@Test
	void recoveryThatCannotSaveWhatItWouldCutCutsNothing() throws Exception {
		Path journal = this.mount.resolve("events.ndjson");
		try (EventStore store = EventStore.open(journal)) {
			store.append("s", NewEvent.of("E", Map.of("n", 1)));
		}
		byte[] kept = Files.readAllBytes(journal);
		// A torn tail of 50 KiB, and too little room left to save it beside the journal.
		byte[] torn = ("{\"event_id\":2,\"stream_id\":\"s\",\"event_type\":\"E\",\"data\":{\"pad\":\""
				+ "x".repeat(50 * 1024))
			.getBytes(StandardCharsets.UTF_8);
		Files.write(journal, torn, StandardOpenOption.APPEND);
		byte[] damaged = Files.readAllBytes(journal);
		Path filler = this.mount.resolve("filler");
		Files.write(filler, new byte[60 * 1024]);
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(journal))
			.withMessageContaining("could not be saved")
			.withMessageContaining("nothing was cut");
		assertThat(Files.readAllBytes(journal)).isEqualTo(damaged);
		try (var files = Files.list(this.mount)) {
			assertThat(files.map((f) -> f.getFileName().toString())).as("no partial side file is left")
				.containsExactlyInAnyOrder("events.ndjson", "events.ndjson.lock", "filler");
		}
		Files.delete(filler);
		try (EventStore store = EventStore.open(journal)) {
			assertThat(store.lastPosition()).isEqualTo(1);
		}
		assertThat(Files.readAllBytes(journal)).isEqualTo(kept);
		try (var files = Files.list(this.mount)) {
			Path side = files.filter((f) -> f.getFileName().toString().startsWith("events.ndjson.cut-"))
				.findFirst()
				.orElseThrow();
			assertThat(Files.readAllBytes(side)).isEqualTo(torn);
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
