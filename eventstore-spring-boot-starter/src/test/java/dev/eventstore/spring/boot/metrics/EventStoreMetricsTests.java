package dev.eventstore.spring.boot.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventStoreMetricsTests {

	@Test
	void countsAppendsConflictsListenerErrorsAndTimesAppends() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		AtomicReference<EventStore> holder = new AtomicReference<>();
		EventStoreMetrics metrics = new EventStoreMetrics(() -> holder.get().status(), java.time.Duration.ZERO);
		try (EventStore store = EventStore.builder().observer(metrics).build()) {
			holder.set(store);
			store.append("s", NewEvent.of("Before", Map.of()));
			metrics.bindTo(registry);
			store.subscribe((e) -> {
				if (e.type().equals("Bad")) {
					throw new IllegalStateException("boom");
				}
			});
			store.appendBatch("s", List.of(NewEvent.of("Bad", Map.of()), NewEvent.of("Fine", Map.of())));
			assertThatExceptionOfType(ConcurrencyConflictException.class)
				.isThrownBy(() -> store.append("s", NewEvent.of("E", Map.of()), ExpectedVersion.noStream()));

			assertThat(registry.get("eventstore.events.appended").functionCounter().count()).isEqualTo(3);
			assertThat(registry.get("eventstore.conflicts").functionCounter().count()).isEqualTo(1);
			assertThat(registry.get("eventstore.listener.errors").functionCounter().count()).isEqualTo(1);
			assertThat(
					registry.get("eventstore.append").tags("outcome", "success", "exception", "none").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("eventstore.append")
				.tags("outcome", "conflict", "exception", "ConcurrencyConflictException")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.find("eventstore.append").tag("outcome", "error").timer()).isNull();
			// Percentiles are the application's choice
			// (management.metrics.distribution.*).
			assertThat(registry.get("eventstore.append").timer().takeSnapshot().percentileValues()).isEmpty();
			assertThat(registry.get("eventstore.position").gauge().value()).isEqualTo(3);
			assertThat(registry.get("eventstore.journal.size").gauge().value()).isNaN();
		}
		assertThat(registry.get("eventstore.position").gauge().value()).as("closed store").isNaN();
	}

	@Test
	void gaugesReadTheStoreAtMostOncePerRefreshWhateverTheScrapeRate() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
		try (EventStore store = EventStore.inMemory()) {
			EventStoreMetrics metrics = new EventStoreMetrics(() -> {
				reads.incrementAndGet();
				return store.status();
			});
			metrics.bindTo(registry);
			for (int i = 0; i < 50; i++) {
				registry.get("eventstore.position").gauge().value();
				registry.get("eventstore.journal.size").gauge().value();
			}
			assertThat(reads).hasValue(1);
		}
	}

}
