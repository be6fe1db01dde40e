package dev.eventstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventStoreObserverTests {

	record ItemAdded(String sku) {
	}

	static final class Recording implements EventStoreObserver {

		final List<String> heard = new ArrayList<>();

		@Override
		public void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
			this.heard.add("appended " + stored.size() + " " + events.get(0).payloadType());
			assertThat(nanos).isPositive();
		}

		@Override
		public void appendFailed(String streamId, RuntimeException failure, long nanos) {
			this.heard.add("failed " + streamId + " " + failure.getClass().getSimpleName());
		}

		@Override
		public void subscriberFailed(StoredEvent event, Throwable failure) {
			this.heard.add("subscriber failed at " + event.position() + ": " + failure.getMessage());
		}

	}

	@Test
	void observerHearsAppendsConflictsAndSubscriberFailures() {
		Recording observer = new Recording();
		try (EventStore store = EventStore.builder().observer(observer).build()) {
			store.subscribe((e) -> {
				if (e.type().equals("Bad")) {
					throw new IllegalStateException("listener broke");
				}
			});
			store.append("s", NewEvent.of(new ItemAdded("a")));
			store.appendBatch("s", List.of(NewEvent.of("Bad", Map.of()), NewEvent.of("Fine", Map.of())));
			assertThatExceptionOfType(ConcurrencyConflictException.class)
				.isThrownBy(() -> store.append("s", NewEvent.of("E", Map.of()), ExpectedVersion.noStream()));
			assertThat(store.lastPosition()).isEqualTo(3);
		}
		assertThat(observer.heard).containsExactly("appended 1 " + ItemAdded.class, "appended 2 null",
				"subscriber failed at 2: listener broke", "failed s ConcurrencyConflictException");
	}

	@Test
	void throwingObserverDoesNotFailTheAppend() {
		EventStoreObserver broken = new EventStoreObserver() {
			@Override
			public void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
				throw new IllegalStateException("observer broke");
			}
		};
		try (EventStore store = EventStore.builder().observer(broken).build()) {
			assertThat(store.append("s", NewEvent.of("E", Map.of())).position()).isEqualTo(1);
			assertThat(store.readStream("s")).hasSize(1);
		}
	}

	@Test
	void statusReportsOpenStoresAndClosedOnes() {
		EventStore store = EventStore.inMemory();
		store.append("s", NewEvent.of("E", Map.of()));
		EventStoreStatus open = store.status();
		assertThat(open.open()).isTrue();
		assertThat(open.healthy()).isTrue();
		assertThat(open.lastPosition()).isEqualTo(1);
		assertThat(open.journal()).isEqualTo("in-memory");
		store.close();
		EventStoreStatus closed = store.status();
		assertThat(closed.open()).isFalse();
		assertThat(closed.healthy()).isFalse();
		assertThat(closed.lastPosition()).isEqualTo(-1);
	}

	@Test
	void typedEventsRememberTheirPayloadClass() {
		assertThat(NewEvent.of(new ItemAdded("x")).payloadType()).isEqualTo(ItemAdded.class);
		// Typed data under a name of the caller's is a payload too: a store's own
		// serializer serialises it again.
		assertThat(NewEvent.of("ItemAdded", new ItemAdded("x")).payloadType()).isEqualTo(ItemAdded.class);
		assertThat(NewEvent.of("ItemAdded", new ItemAdded("x")).payload()).isEqualTo(new ItemAdded("x"));
		assertThat(NewEvent.of("ItemAdded", Map.of("sku", "x")).payload()).isNull();
		assertThat(new NewEvent("E", Map.of(), null).payloadType()).isNull();
	}

}
