package dev.eventstore.processor;

/** The in-memory checkpoint store against the contract (a reopen shares its heap). */
class InMemoryCheckpointStoreTests extends CheckpointStoreContractTests {

	@Override
	protected CheckpointStore newStore() {
		return CheckpointStore.inMemory();
	}

	@Override
	protected CheckpointStore reopen(CheckpointStore store) {
		return store;
	}

}
