package dev.eventstore.spring.boot.autoconfigure;

import java.util.function.BiFunction;

import dev.eventstore.processor.EventHandler;
import dev.eventstore.spring.boot.observation.ObservedEventHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Wraps processors' handlers in observations when the application has an
 * {@link ObservationRegistry}, in a class of its own so that Micrometer stays optional.
 */
final class ObservedHandlers {

	private ObservedHandlers() {
	}

	static BiFunction<String, EventHandler, EventHandler> decorator(ListableBeanFactory beans,
			Environment environment) {
		if (!ClassUtils.isPresent("io.micrometer.observation.ObservationRegistry",
				ObservedHandlers.class.getClassLoader())
				|| !environment.getProperty("eventstore.observations.enabled", Boolean.class, true)) {
			return (name, handler) -> handler;
		}
		return Observed.decorator(beans);
	}

	/** Only loaded when Micrometer is there. */
	private static final class Observed {

		static BiFunction<String, EventHandler, EventHandler> decorator(ListableBeanFactory beans) {
			return (name, handler) -> {
				ObservationRegistry registry = beans.getBeanProvider(ObservationRegistry.class).getIfAvailable();
				return (registry == null || registry.isNoop()) ? handler
						: new ObservedEventHandler(name, handler, registry);
			};
		}

	}

}
