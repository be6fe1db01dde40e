package dev.eventstore.spring.boot.autoconfigure.metrics;

import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.metrics.EventProcessorMetrics;
import dev.eventstore.spring.boot.metrics.EventStoreMetrics;
import dev.eventstore.spring.boot.processor.EventProcessors;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures {@link EventStoreMetrics} when Micrometer is present and a
 * {@link MeterRegistry} is defined. The metrics observe the auto-configured store; a
 * store of the application's own gets them by adding the {@code EventStoreMetrics} bean
 * to its builder as an observer.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EventProcessorAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class EventStoreMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventStoreMetrics eventStoreMetrics(ObjectProvider<EventStore> store) {
		return new EventStoreMetrics(() -> {
			EventStore current = store.getIfAvailable();
			return (current != null) ? current.status() : null;
		});
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(EventProcessors.class)
	EventProcessorMetrics eventProcessorMetrics(ObjectProvider<EventProcessors> processors) {
		return new EventProcessorMetrics(() -> {
			EventProcessors current = processors.getIfAvailable();
			return (current != null) ? List.copyOf(current.all()) : List.of();
		});
	}

}
