package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Stream reads reuse the events they decoded lately. */
class DecodedEventsTests {

	@TempDir
	Path dir;

	/** A small payload class with a setter: what one reader does to it, no other sees. */
	static final class Counter {

		public int n;

	}

	@Test
	void aStreamReadAgainSharesItsDecodedDataButNotItsPayloads() {
		try (EventStore store = EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.fsync(FsyncPolicy.NEVER)
			.build()) {
			store.append("s", NewEvent.of("E", Map.of("n", 1)));
			store.append("other", NewEvent.of("E", Map.of("n", 2)));
			store.append("s", NewEvent.of("E", Map.of("n", 3)));
			List<StoredEvent> first = store.readStream("s");
			List<StoredEvent> again = store.readStream("s");
			assertThat(again).isEqualTo(first);
			assertThat(again.get(1).data()).as("decoded once").isSameAs(first.get(1).data());
			Counter mine = first.get(0).payload(Counter.class);
			mine.n = 99;
			assertThat(again.get(0).payload(Counter.class).n).isEqualTo(1);
		}
	}

	@Test
	void aStreamReadAfterItsSlotsWereReusedStillReadsItsOwnEvents() {
		try (EventStore store = EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.fsync(FsyncPolicy.NEVER)
			.build()) {
			store.append("early", NewEvent.of("E", Map.of("n", 0)));
			assertThat(store.readStream("early")).hasSize(1);
			// 8,192 slots: position 8,193 takes the slot of position 1.
			for (int i = 1; i <= 8_192; i++) {
				store.append("s-" + (i % 7), NewEvent.of("E", Map.of("n", i)));
			}
			for (int k = 0; k < 7; k++) {
				store.readStream("s-" + k);
			}
			assertThat(store.readStream("early")).singleElement().satisfies((event) -> {
				assertThat(event.position()).isEqualTo(1);
				assertThat(event.data()).containsEntry("n", 0);
			});
			assertThat(store.readStream("s-1")).extracting(StoredEvent::position)
				.startsWith(2L, 9L)
				.allSatisfy((position) -> assertThat((position - 1) % 7).isEqualTo(1));
		}
	}

	@Test
	void slotsHoldOnlyThePositionTheyWereGiven() {
		DecodedEvents decoded = new DecodedEvents(4);
		for (long position = 1; position <= 6; position++) {
			decoded.put(new StoredEvent(position, "s", position, "E", Map.of(), null, Instant.EPOCH));
		}
		assertThat(decoded.get(1)).as("taken by 5").isNull();
		assertThat(decoded.get(5)).isNotNull().extracting(StoredEvent::position).isEqualTo(5L);
		assertThat(decoded.get(3)).extracting(StoredEvent::position).isEqualTo(3L);
		assertThat(decoded.get(7)).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> new DecodedEvents(6))
			.withMessageContaining("power of two");
	}

}
