package dev.eventstore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code copy} cuts the log into pages: never inside a batch, so that an interrupted
 * copy leaves none half written.
 */
class CopyCommandTests {

	@Test
	void aPageThatWouldEndInsideABatchTakesTheWholeBatch() {
		try (EventStore store = EventStore.inMemory()) {
			singles(store, 998);
			store.appendBatch("batch", events(5)); // positions 999 to 1003
			singles(store, 10);

			List<StoredEvent> page = CopyCommand.pageOfWholeBatches(store, 1, 1_000);

			assertThat(page).hasSize(1_003);
			assertThat(page.get(page.size() - 1).position()).isEqualTo(1_003);
			assertThat(CopyCommand.pageOfWholeBatches(store, 1_004, 1_000)).extracting(StoredEvent::position)
				.first()
				.isEqualTo(1_004L);
		}
	}

	@Test
	void aBatchLongerThanWhatIsReadAheadAtOnceIsStillTakenWhole() {
		try (EventStore store = EventStore.inMemory()) {
			singles(store, 990);
			store.appendBatch("long", events(250)); // positions 991 to 1240
			singles(store, 3);

			List<StoredEvent> page = CopyCommand.pageOfWholeBatches(store, 1, 1_000);

			assertThat(page).hasSize(1_240);
			assertThat(CopyCommand.batches(page)).hasSize(991).last().satisfies((batch) -> {
				assertThat(batch).hasSize(250);
				assertThat(batch.get(0).position()).isEqualTo(991);
			});
		}
	}

	@Test
	void aPageEndingOnABatchBoundaryOrAtTheEndOfTheLogIsTakenAsItIs() {
		try (EventStore store = EventStore.inMemory()) {
			singles(store, 1_000);
			store.appendBatch("after", events(3));

			assertThat(CopyCommand.pageOfWholeBatches(store, 1, 1_000)).hasSize(1_000);
			assertThat(CopyCommand.pageOfWholeBatches(store, 1_001, 1_000)).hasSize(3);
			assertThat(CopyCommand.pageOfWholeBatches(store, 1_004, 1_000)).isEmpty();
		}
	}

	@Test
	void batchesKeepAppendsToOneStreamApartWhenTheyWereSeparate() {
		try (EventStore store = EventStore.inMemory()) {
			store.appendBatch("s", events(2));
			store.appendBatch("t", events(1));
			store.appendBatch("s", events(3));

			List<List<StoredEvent>> batches = CopyCommand.batches(store.readAll(1, 10));

			assertThat(batches).extracting(List::size).containsExactly(2, 1, 3);
			assertThat(batches.get(2).get(0).version()).isEqualTo(3);
		}
	}

	private static void singles(EventStore store, int count) {
		for (int i = 0; i < count; i++) {
			store.append("single-" + i, NewEvent.of("Single", Map.of("i", i)));
		}
	}

	private static List<NewEvent> events(int count) {
		List<NewEvent> events = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			events.add(NewEvent.of("InBatch", Map.of("i", i)));
		}
		return events;
	}

}
