package dev.eventstore.test.autoconfigure;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.processor.ProcessorInfrastructure;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The in-memory store of {@link AutoConfigureEventStore}: defined before the starter's,
 * so the starter's journal (file or PostgreSQL) backs off, and built the way the starter
 * builds its own, with the application's types, upcasters, mapper and observers.
 * Processors keep their checkpoints, and snapshots are kept, in memory.
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = { EventStoreAutoConfiguration.class, EventProcessorAutoConfiguration.class })
public final class EventStoreTestAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EventStore eventStore(EventTypes eventTypes, ObjectProvider<Upcaster> upcasters,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<EventStoreObserver> observers) {
		EventStore.Builder builder = EventStore.builder()
			.eventTypes(eventTypes)
			.upcasters(upcasters.orderedStream().toList());
		jsonMapper.ifUnique(builder::jsonMapper);
		observers.orderedStream().forEach(builder::observer);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	SnapshotStore eventStoreSnapshotStore() {
		return SnapshotStore.inMemory();
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessorInfrastructure eventStoreProcessorInfrastructure() {
		return new ProcessorInfrastructure(CheckpointStore.inMemory(), ProcessorOwnership.local(), null);
	}

}
