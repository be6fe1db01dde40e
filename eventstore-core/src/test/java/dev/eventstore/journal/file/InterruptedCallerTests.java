package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An interrupted caller must neither break the journal for everyone (an interrupted
 * FileChannel closes itself) nor lose its interrupt.
 */
class InterruptedCallerTests {

	@TempDir
	Path dir;

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@ParameterizedTest
	@EnumSource(FsyncPolicy.class)
	void interruptedCallerAppendsAndReadsAndKeepsItsInterrupt(FsyncPolicy fsync) throws Exception {
		try (EventStore store = EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.fsync(fsync)
			.build()) {
			store.append("s", NewEvent.of("Before", Map.of()));

			Thread.currentThread().interrupt();
			assertThat(store.append("s", NewEvent.of("WhileInterrupted", Map.of())).position()).isEqualTo(2);
			assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept after append").isTrue();
			assertThat(store.readStream("s")).hasSize(2);
			assertThat(store.readAll(1, 10)).hasSize(2);
			assertThat(Thread.currentThread().isInterrupted()).as("interrupt kept after reads").isTrue();
			Thread.interrupted();

			// Other threads, and this one, still read and write the same journal.
			Thread other = new Thread(() -> store.append("s", NewEvent.of("FromAnotherThread", Map.of())));
			other.start();
			other.join(10_000);
			assertThat(store.readStream("s")).extracting((e) -> e.type())
				.containsExactly("Before", "WhileInterrupted", "FromAnotherThread");
		}
		try (EventStore reopened = EventStore.open(this.dir.resolve("events.ndjson"))) {
			assertThat(reopened.lastPosition()).isEqualTo(3);
		}
	}

}
