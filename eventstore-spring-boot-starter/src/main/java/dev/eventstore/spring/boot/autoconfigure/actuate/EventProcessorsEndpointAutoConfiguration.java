package dev.eventstore.spring.boot.autoconfigure.actuate;

import dev.eventstore.spring.boot.actuate.EventProcessorsEndpoint;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.processor.EventProcessors;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code eventprocessors} actuator endpoint when the actuator is
 * present and the endpoint is available (enabled and exposed).
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = EventProcessorAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(EventProcessors.class)
@ConditionalOnAvailableEndpoint(EventProcessorsEndpoint.class)
public final class EventProcessorsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventProcessorsEndpoint eventProcessorsEndpoint(EventProcessors processors) {
		return new EventProcessorsEndpoint(processors);
	}

}
