package dev.eventstore.spring.boot.autoconfigure.health;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.health.EventStoreHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code eventstore} health contributor when Spring Boot's health
 * support is present; disable it with {@code management.health.eventstore.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EventStoreAutoConfiguration.class)
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(EventStore.class)
@ConditionalOnEnabledHealthIndicator("eventstore")
public final class EventStoreHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "eventstoreHealthIndicator")
	EventStoreHealthIndicator eventstoreHealthIndicator(EventStore store) {
		return new EventStoreHealthIndicator(store);
	}

}
