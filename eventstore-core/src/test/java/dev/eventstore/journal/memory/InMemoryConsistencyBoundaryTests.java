package dev.eventstore.journal.memory;

import dev.eventstore.ConsistencyBoundaryContractTests;
import dev.eventstore.EventStore;

class InMemoryConsistencyBoundaryTests extends ConsistencyBoundaryContractTests {

	@Override
	protected EventStore.Builder newBuilder() {
		return EventStore.builder();
	}

	@Override
	protected boolean keepsEventsAcrossRestart() {
		return false;
	}

}
