package dev.eventstore.spring.boot.autoconfigure.actuate;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.actuate.EventStoreEndpoint;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the read-only {@code eventstore} actuator endpoint when the actuator is
 * present and the endpoint is available (enabled and exposed).
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = EventStoreAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(EventStore.class)
@ConditionalOnAvailableEndpoint(EventStoreEndpoint.class)
public final class EventStoreEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventStoreEndpoint eventStoreEndpoint(EventStore store) {
		return new EventStoreEndpoint(store);
	}

}
