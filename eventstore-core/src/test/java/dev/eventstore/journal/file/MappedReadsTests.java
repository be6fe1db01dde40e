package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads served from memory maps of the journal. */
class MappedReadsTests {

	@TempDir
	Path dir;

	private EventStore open() {
		return EventStore.builder().persistPath(this.dir.resolve("events.ndjson")).fsync(FsyncPolicy.NEVER).build();
	}

	@Test
	void readsRacingCloseSeeWholeResultsOrAClearErrorNeverAnUnmappedPage() throws Exception {
		try (EventStore store = open()) {
			for (int i = 0; i < 20_000; i++) {
				store.append("s-" + (i % 100), NewEvent.of("E", Map.of("i", i)));
			}
		}
		EventStore store = open();
		AtomicBoolean go = new AtomicBoolean(true);
		List<Throwable> unexpected = new CopyOnWriteArrayList<>();
		List<Thread> readers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread reader = new Thread(() -> {
				int i = 0;
				while (go.get()) {
					try {
						List<StoredEvent> events = store.readStream("s-" + (i++ % 100));
						if (events.size() != 200) {
							unexpected.add(new AssertionError("read " + events.size() + " events"));
						}
					}
					catch (IllegalStateException ex) {
						assertThat(ex).hasMessageContaining("closed");
						return;
					}
					catch (Throwable ex) {
						unexpected.add(ex);
						return;
					}
				}
			});
			reader.start();
			readers.add(reader);
		}
		Thread.sleep(200);
		store.close();
		go.set(false);
		for (Thread reader : readers) {
			reader.join(10_000);
		}
		assertThat(unexpected).isEmpty();
	}

	@Test
	void eventsAppendedPastTheMappedEndReadBackThroughARemap() {
		String pad = "x".repeat(2_000);
		try (EventStore store = open()) {
			store.append("first", NewEvent.of("E", Map.of("pad", pad)));
		}
		try (EventStore store = open()) {
			// More than MappedReads.REMAP_AFTER beyond what was mapped at open.
			int events = ((int) (MappedReads.REMAP_AFTER / 2_000) / 10 + 200) * 10;
			for (int i = 0; i < events; i++) {
				store.append("s-" + (i % 10), NewEvent.of("E", Map.of("i", i, "pad", pad)));
			}
			List<StoredEvent> stream = store.readStream("s-3");
			assertThat(stream.size()).isEqualTo(events / 10);
			assertThat(stream).allMatch((e) -> pad.equals(e.data().get("pad")));
			assertThat(store.readStream("s-3")).extracting((e) -> e.data().get("i")).startsWith(3, 13, 23);
			assertThat(store.readStream("first")).hasSize(1);
		}
	}

}
