package dev.eventstore.spring.boot.health;

import java.nio.file.Path;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class EventStoreHealthIndicatorTests {

	@TempDir
	Path dir;

	@Test
	void upWithJournalPositionAndFsyncPolicy() {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore store = EventStore.open(journal)) {
			store.append("s", NewEvent.of("E", Map.of()));
			Health health = new EventStoreHealthIndicator(store).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("journal", journal.toString())
				.containsEntry("lastPosition", 1L)
				.containsEntry("fsync", "ALWAYS")
				.containsKey("journalSizeBytes");
		}
	}

	@Test
	void downWhenTheStoreIsClosed() {
		EventStore store = EventStore.inMemory();
		store.close();
		Health health = new EventStoreHealthIndicator(store).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("open", false);
	}

}
