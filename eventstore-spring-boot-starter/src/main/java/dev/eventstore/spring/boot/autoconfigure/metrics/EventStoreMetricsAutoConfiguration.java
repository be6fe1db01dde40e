package dev.eventstore.spring.boot.autoconfigure.metrics;

import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.metrics.EventProcessorMetrics;
import dev.eventstore.spring.boot.metrics.EventStoreGauges;
import dev.eventstore.spring.boot.metrics.EventStoreMetrics;
import dev.eventstore.spring.boot.processor.EventProcessors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

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
	EventStoreMetrics eventStoreMetrics(ObjectProvider<EventStore> store,
			ObjectProvider<ObservationRegistry> observations, Environment environment) {
		// With observations, each append is one observation, which also makes the
		// eventstore.append timer: one instrumentation, not two.
		ObservationRegistry registry = observations.getIfAvailable();
		boolean observed = registry != null && !registry.isNoop()
				&& environment.getProperty("eventstore.observations.enabled", Boolean.class, true);
		return new EventStoreMetrics(() -> {
			EventStore current = store.getIfUnique();
			return (current != null) ? current.status() : null;
		}, !observed, "eventStore");
	}

	@Bean
	@ConditionalOnMissingBean
	EventStoreGauges eventStoreGauges(ListableBeanFactory beans) {
		return new EventStoreGauges(() -> beans.getBeansOfType(EventStore.class), "eventStore");
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
