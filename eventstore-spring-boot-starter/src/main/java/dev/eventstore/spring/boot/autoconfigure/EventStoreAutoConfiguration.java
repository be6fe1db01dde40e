package dev.eventstore.spring.boot.autoconfigure;

import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.spring.boot.events.ApplicationEventBridge;
import dev.eventstore.spring.boot.events.EventTypeRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures an {@link EventStore}: on the journal file named by
 * {@code eventstore.persist-path}, else in memory; and, unless
 * {@code eventstore.publish-events} is false, publishes its events as Spring application
 * events. Every bean backs off when the application defines its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(EventStoreProperties.class)
public final class EventStoreAutoConfiguration {

	private static final Log logger = LogFactory.getLog(EventStoreAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	EventTypeRegistry eventTypeRegistry(BeanFactory beanFactory) {
		List<String> packages = AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory)
				: List.of();
		ClassLoader classLoader = EventStoreAutoConfiguration.class.getClassLoader();
		if (beanFactory instanceof org.springframework.beans.factory.config.ConfigurableBeanFactory configurable
				&& configurable.getBeanClassLoader() != null) {
			classLoader = configurable.getBeanClassLoader();
		}
		return EventTypeRegistry.scan(packages, classLoader);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EventStore eventStore(EventStoreProperties properties, ObjectProvider<EventStoreObserver> observers) {
		EventStore.Builder builder = EventStore.builder();
		observers.orderedStream().forEach(builder::observer);
		if (properties.getPersistPath() == null) {
			logger.warn("eventstore.persist-path is not set: using an in-memory event store; "
					+ "events will not survive a restart");
			return builder.build();
		}
		builder.persistPath(properties.getPersistPath()).fsync(properties.getFsync());
		try {
			builder.fsyncInterval(properties.getFsyncInterval());
		}
		catch (IllegalArgumentException ex) {
			throw new EventStoreConfigurationException("eventstore.fsync-interval", properties.getFsyncInterval(), ex);
		}
		try {
			return builder.build();
		}
		catch (EventStoreException ex) {
			throw new EventStoreConfigurationException("eventstore.persist-path", properties.getPersistPath(), ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "eventstore.publish-events", matchIfMissing = true)
	static class ApplicationEventBridgeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ApplicationEventBridge eventStoreApplicationEventBridge(EventStore store, EventTypeRegistry types,
				ConfigurableApplicationContext context, ObjectProvider<EventStoreObserver> observers) {
			return new ApplicationEventBridge(store, types, context,
					(event, failure) -> observers.orderedStream().forEach((o) -> o.subscriberFailed(event, failure)));
		}

	}

}
