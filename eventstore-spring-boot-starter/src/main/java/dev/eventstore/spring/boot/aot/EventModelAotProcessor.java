package dev.eventstore.spring.boot.aot;

import java.util.List;

import dev.eventstore.spring.boot.events.EventTypeScanner;
import dev.eventstore.spring.boot.processor.EventProcessor;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.util.ClassUtils;

/**
 * At build time, declares the application's event model for a native image: Jackson
 * binding of every {@code @EventType} class in the application's packages (the classes
 * the starter registers at run time, found the same way), and the public methods of
 * {@code @EventProcessor} beans, which the processors call reflectively.
 *
 * @since 0.2.0
 */
public final class EventModelAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints(), beanFactory);
	}

	/** The hints for a bean factory's event model. */
	static void registerHints(RuntimeHints hints, ConfigurableListableBeanFactory beanFactory) {
		List<String> packages = AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory)
				: List.of();
		ClassLoader classLoader = (beanFactory.getBeanClassLoader() != null) ? beanFactory.getBeanClassLoader()
				: EventModelAotProcessor.class.getClassLoader();
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		EventTypeScanner.scan(packages, classLoader)
			.mappings()
			.values()
			.stream()
			.distinct()
			.forEach((type) -> binding.registerReflectionHints(hints.reflection(), type));
		for (String name : beanFactory.getBeanNamesForAnnotation(EventProcessor.class)) {
			Class<?> type = beanFactory.getType(name, false);
			if (type != null) {
				hints.reflection().registerType(ClassUtils.getUserClass(type), MemberCategory.INVOKE_PUBLIC_METHODS);
			}
		}
	}

}
