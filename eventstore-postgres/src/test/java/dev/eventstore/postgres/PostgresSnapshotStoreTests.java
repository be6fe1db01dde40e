package dev.eventstore.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.snapshot.Snapshot;
import dev.eventstore.snapshot.Snapshotting;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresSnapshotStoreTests {

	record Count(long events) {
	}

	@Test
	void snapshotsLiveInTheJournalsSchemaAndLoadsStartFromThem() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3);
				EventStore store = EventStore.builder().journal(EmbeddedPostgresServer.journal(pool, prefix)).build()) {
			for (int i = 0; i < 30; i++) {
				store.append("s", NewEvent.of("E", Map.of("i", i)));
			}
			PostgresSnapshotStore snapshots = PostgresSnapshotStore.of(pool, prefix);
			Snapshotting<Count> counts = Snapshotting.builder(store, snapshots, Count.class)
				.initial((stream) -> new Count(0))
				.evolve((count, event) -> new Count(count.events() + 1))
				.every(10)
				.build();
			assertThat(counts.load("s")).isEqualTo(new Snapshotting.Loaded<>(new Count(30), 30, 0));
			store.append("s", NewEvent.of("E", Map.of("i", 30)));
			assertThat(counts.load("s")).isEqualTo(new Snapshotting.Loaded<>(new Count(31), 31, 30));
			// An older snapshot of the same fingerprint never replaces a newer one.
			snapshots.save(new Snapshot("s", Count.class.getName(), 5, counts.fingerprint(),
					"{\"events\":5}".getBytes(StandardCharsets.UTF_8)));
			assertThat(snapshots.load("s", Count.class.getName())).get().extracting(Snapshot::version).isEqualTo(30L);
		}
	}

}
