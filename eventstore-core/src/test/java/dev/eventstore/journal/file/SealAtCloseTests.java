package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventLogAssertions;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clean close of a segmented journal seals a last segment of at least
 * {@link FileJournal#SEAL_AT_CLOSE_BYTES}, so that the next open scans nothing of it.
 */
class SealAtCloseTests {

	private static final long SEGMENT = 16L << 20;

	@TempDir
	Path dir;

	private Path journal() {
		return this.dir.resolve("events");
	}

	private EventStore open() {
		return EventStore.builder()
			.journal(FileJournal.open(journal(), FsyncPolicy.NEVER, Duration.ofMillis(100), SEGMENT))
			.build();
	}

	private static void append(EventStore store, int events) {
		List<NewEvent> batch = new ArrayList<>();
		for (int i = 0; i < events; i++) {
			batch.add(NewEvent.of("Noted", Map.of("i", i, "pad", "x".repeat(200))));
			if (batch.size() == 50) {
				store.appendBatch("s-" + (i / 50) % 20, batch);
				batch = new ArrayList<>();
			}
		}
	}

	@Test
	void aCleanCloseSealsALastSegmentOfAMebibyteAndTheNextOpenGoesOnInANewOne() throws Exception {
		List<StoredEvent> written;
		try (EventStore store = open()) {
			append(store, 5_000);
			written = store.readAll(1, Integer.MAX_VALUE);
		}
		List<Segments.Listed> segments = Segments.list(journal());
		assertThat(segments).hasSize(2);
		assertThat(Files.size(segments.get(0).path())).isGreaterThanOrEqualTo(FileJournal.SEAL_AT_CLOSE_BYTES);
		assertThat(SegmentIndex.pathOf(segments.get(0).path())).exists();
		assertThat(Files.size(segments.get(1).path())).isZero();
		assertThat(segments.get(1).first()).isEqualTo(5_001);
		try (EventStore store = open()) {
			assertThat(store.readAll(1, Integer.MAX_VALUE)).isEqualTo(written);
			append(store, 100);
			EventLogAssertions.assertConsistentLog(store.readAll(1, Integer.MAX_VALUE));
			assertThat(store.lastPosition()).isEqualTo(5_100);
			assertThat(store.readStream("s-0")).extracting(StoredEvent::version).doesNotHaveDuplicates();
		}
		assertThat(Segments.list(journal())).as("100 small events are left to be scanned").hasSize(2);
	}

	@Test
	void aLastSegmentUnderAMebibyteIsLeftToBeScanned() throws IOException {
		try (EventStore store = open()) {
			append(store, 1_000);
		}
		assertThat(Segments.list(journal())).hasSize(1);
		try (EventStore store = open()) {
			assertThat(store.lastPosition()).isEqualTo(1_000);
		}
	}

}
