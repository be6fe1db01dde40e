package dev.eventstore.journal.memory;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreContractTests;

class InMemoryEventStoreTests extends EventStoreContractTests {

	@Override
	protected EventStore.Builder newBuilder() {
		return EventStore.builder();
	}

	@Override
	protected boolean keepsEventsAcrossRestart() {
		return false;
	}

}
