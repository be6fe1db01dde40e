package dev.eventstore.snapshot;

/** The in-memory snapshot store against the contract (a reopen shares its heap). */
class InMemorySnapshotStoreTests extends SnapshotStoreContractTests {

	@Override
	protected SnapshotStore newStore() {
		return SnapshotStore.inMemory();
	}

	@Override
	protected SnapshotStore reopen(SnapshotStore store) {
		return store;
	}

}
