package dev.eventstore.snapshot;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The snapshot files beside a journal against the contract. */
class FileSnapshotStoreTests extends SnapshotStoreContractTests {

	@TempDir
	Path dir;

	@Override
	protected SnapshotStore newStore() {
		return SnapshotStore.besideJournal(this.dir.resolve("events.ndjson"));
	}

	@Override
	protected SnapshotStore reopen(SnapshotStore store) {
		return SnapshotStore.besideJournal(this.dir.resolve("events.ndjson"));
	}

}
