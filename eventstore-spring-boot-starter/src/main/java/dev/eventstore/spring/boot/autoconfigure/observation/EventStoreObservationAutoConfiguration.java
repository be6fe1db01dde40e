package dev.eventstore.spring.boot.autoconfigure.observation;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.observation.ObservedEventStore;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Makes every append of every {@link EventStore} bean one observation, when the
 * application has an {@link ObservationRegistry} (Spring Boot's actuator gives one): each
 * store bean is wrapped in an {@link ObservedEventStore}. Turn it off with
 * {@code eventstore.observations.enabled=false}.
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = EventStoreAutoConfiguration.class)
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "eventstore.observations.enabled", matchIfMissing = true)
public final class EventStoreObservationAutoConfiguration {

	@Bean
	static BeanPostProcessor eventStoreObservationPostProcessor(ObjectProvider<ObservationRegistry> registry,
			Environment environment) {
		boolean propagate = environment.getProperty("eventstore.observations.propagate-trace-context", Boolean.class,
				false);
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof EventStore store && !(bean instanceof ObservedEventStore)) {
					ObservationRegistry observations = registry.getIfAvailable();
					if (observations != null && !observations.isNoop()) {
						return new ObservedEventStore(store, observations, propagate);
					}
				}
				return bean;
			}

		};
	}

}
