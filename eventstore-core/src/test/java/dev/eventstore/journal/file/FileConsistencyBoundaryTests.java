package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.time.Duration;

import dev.eventstore.ConsistencyBoundaryContractTests;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class FileConsistencyBoundaryTests {

	@Nested
	class FsyncAlways extends ConsistencyBoundaryContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder().persistPath(this.dir.resolve("events.ndjson"));
		}

	}

	@Nested
	class FsyncInterval extends ConsistencyBoundaryContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder()
				.persistPath(this.dir.resolve("events.ndjson"))
				.fsync(FsyncPolicy.INTERVAL)
				.fsyncInterval(Duration.ofMillis(5));
		}

	}

	@Nested
	class FsyncNever extends ConsistencyBoundaryContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder().persistPath(this.dir.resolve("events.ndjson")).fsync(FsyncPolicy.NEVER);
		}

	}

	@Nested
	class Segmented extends ConsistencyBoundaryContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder()
				.persistPath(this.dir.resolve("events"))
				.segmentSize(1024)
				.fsync(FsyncPolicy.NEVER);
		}

	}

}
