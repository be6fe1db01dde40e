package dev.eventstore.spring.boot.autoconfigure.health;

import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreProperties;
import dev.eventstore.spring.boot.health.EventProcessorsHealthIndicator;
import dev.eventstore.spring.boot.processor.EventProcessors;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code eventProcessors} health contributor: a FAILED processor
 * makes it {@code eventstore.health.failed-processor-status} (DOWN by default). Disable
 * it with {@code management.health.eventprocessors.enabled=false}.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = EventProcessorAutoConfiguration.class)
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(EventProcessors.class)
@ConditionalOnEnabledHealthIndicator("eventprocessors")
public final class EventProcessorsHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "eventProcessorsHealthIndicator")
	EventProcessorsHealthIndicator eventProcessorsHealthIndicator(EventProcessors processors,
			EventStoreProperties properties) {
		return new EventProcessorsHealthIndicator(processors,
				new Status(properties.getHealth().getFailedProcessorStatus()));
	}

}
