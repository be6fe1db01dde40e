package dev.eventstore.spring.boot.autoconfigure.ui;

import dev.eventstore.EventStore;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreProperties;
import dev.eventstore.spring.boot.processor.EventProcessors;
import dev.eventstore.spring.boot.ui.EventStoreUi;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves the read-only stream browser under {@code eventstore.ui.path} when
 * {@code eventstore.ui.enabled=true} (off by default) in a Spring MVC application. It has
 * no security of its own: secure its path as the rest of the application.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { EventStoreAutoConfiguration.class, EventProcessorAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunctions.class)
@ConditionalOnBooleanProperty("eventstore.ui.enabled")
@ConditionalOnBean(EventStore.class)
public final class EventStoreUiAutoConfiguration {

	@Bean
	EventStoreUi eventStoreUi(EventStore store, ObjectProvider<EventProcessors> processors,
			EventStoreProperties properties) {
		return new EventStoreUi(store, processors.getIfAvailable(), properties.getUi().getHeartbeat(),
				properties.getUi().getMaxLiveStreams());
	}

	@Bean
	RouterFunction<ServerResponse> eventStoreUiRoutes(EventStoreUi ui, EventStoreProperties properties) {
		return ui.routes(properties.getUi().getPath());
	}

}
