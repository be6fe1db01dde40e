package dev.eventstore.spring.boot.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.snapshot.Snapshot;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.snapshot.Snapshotting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotMetricsTests {

	record Count(long events) {
	}

	@Test
	void staleAndDamagedSnapshotsAreCountedApart() {
		try (EventStore store = EventStore.inMemory()) {
			store.append("s", NewEvent.of("E", Map.of()));
			SnapshotStore snapshots = SnapshotStore.inMemory();
			Snapshotting<Count> counts = Snapshotting.builder(store, snapshots, Count.class)
				.initial((stream) -> new Count(0))
				.evolve((count, event) -> new Count(count.events() + 1))
				.every(1)
				.build();
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new SnapshotMetrics("count", counts).bindTo(registry);
			snapshots.save(new Snapshot("s", Count.class.getName(), 1, "old-shape",
					"{\"events\":1}".getBytes(StandardCharsets.UTF_8)));
			assertThat(counts.load("s").state()).isEqualTo(new Count(1));
			snapshots.save(new Snapshot("t", Count.class.getName(), 1, counts.fingerprint(),
					"{\"events\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
			store.append("t", NewEvent.of("E", Map.of()));
			assertThat(counts.load("t").state()).isEqualTo(new Count(1));
			assertThat(registry.get("eventstore.snapshots.ignored")
				.tags("state", "count", "reason", "stale")
				.functionCounter()
				.count()).isEqualTo(1.0);
			assertThat(registry.get("eventstore.snapshots.ignored")
				.tags("state", "count", "reason", "corrupt")
				.functionCounter()
				.count()).isEqualTo(1.0);
			assertThat(registry.get("eventstore.snapshots.saved").functionCounter().count()).isEqualTo(2.0);
			assertThat(registry.get("eventstore.snapshots.withheld").tags("state", "count").functionCounter().count())
				.isZero();
		}
	}

}
