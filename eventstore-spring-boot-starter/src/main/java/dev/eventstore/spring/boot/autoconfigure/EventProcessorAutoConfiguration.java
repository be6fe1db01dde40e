package dev.eventstore.spring.boot.autoconfigure;

import dev.eventstore.EventStore;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.ProcessorObserver;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.spring.boot.processor.EventProcessors;
import dev.eventstore.spring.boot.processor.ProcessorInfrastructure;
import dev.eventstore.types.EventTypes;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures {@link EventProcessors}: the durable processors of the application's
 * {@code @EventProcessor} beans, with checkpoints beside the journal file (or in the
 * journal's database, or in memory for an in-memory store).
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = EventStoreAutoConfiguration.class)
@ConditionalOnBean(EventStore.class)
public final class EventProcessorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessorInfrastructure eventStoreProcessorInfrastructure(EventStoreProperties properties) {
		CheckpointStore checkpoints = (properties.getPersistPath() != null)
				? CheckpointStore.besideJournal(properties.getPersistPath()) : CheckpointStore.inMemory();
		// The file journal's lock already keeps every other process out.
		return new ProcessorInfrastructure(checkpoints, ProcessorOwnership.local(), null);
	}

	@Bean
	@ConditionalOnMissingBean
	EventProcessors eventProcessors(ListableBeanFactory beans, EventStore store, EventTypes types,
			ProcessorInfrastructure infrastructure, EventStoreProperties properties,
			ObjectProvider<ProcessorObserver> observers, Environment environment) {
		return new EventProcessors(beans, store, types, infrastructure, properties.getProcessors(), observers,
				ObservedHandlers.decorator(beans, environment));
	}

}
