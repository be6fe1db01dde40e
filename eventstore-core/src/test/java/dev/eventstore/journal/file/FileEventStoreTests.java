package dev.eventstore.journal.file;

import java.nio.file.Path;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreContractTests;
import dev.eventstore.FsyncPolicy;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class FileEventStoreTests {

	@Nested
	class FsyncAlways extends EventStoreContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder().persistPath(this.dir.resolve("events.ndjson"));
		}

	}

	@Nested
	class FsyncInterval extends EventStoreContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder()
				.persistPath(this.dir.resolve("events.ndjson"))
				.fsync(FsyncPolicy.INTERVAL)
				.fsyncInterval(java.time.Duration.ofMillis(5));
		}

	}

	@Nested
	class FsyncNever extends EventStoreContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder().persistPath(this.dir.resolve("events.ndjson")).fsync(FsyncPolicy.NEVER);
		}

	}

	/**
	 * The whole contract on a segmented journal whose segments hold a few events each, so
	 * that streams, batches, retries and subscriptions span many sealed segments.
	 */
	@Nested
	class SegmentedFsyncAlways extends EventStoreContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder().persistPath(this.dir.resolve("events")).segmentSize(1024);
		}

	}

	@Nested
	class SegmentedFsyncNever extends EventStoreContractTests {

		@TempDir
		Path dir;

		@Override
		protected EventStore.Builder newBuilder() {
			return EventStore.builder()
				.persistPath(this.dir.resolve("events"))
				.segmentSize(300)
				.fsync(FsyncPolicy.NEVER);
		}

	}

}
