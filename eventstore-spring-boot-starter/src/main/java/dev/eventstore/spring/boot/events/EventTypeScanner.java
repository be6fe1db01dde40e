package dev.eventstore.spring.boot.events;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the classes annotated with {@link EventType} in the application's packages: the
 * event types a Spring application declares by annotating them, and only those (a record
 * is not an event type because it is a record).
 *
 * @since 0.2.0
 */
public final class EventTypeScanner {

	private EventTypeScanner() {
	}

	/**
	 * The annotated classes below the given packages, as a registry.
	 * @param packages the base packages
	 * @param classLoader the class loader to load them with
	 * @return the registry
	 * @throws IllegalArgumentException naming both classes if two claim one name or alias
	 */
	public static EventTypes scan(Collection<String> packages, ClassLoader classLoader) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isIndependent() && definition.getMetadata().isConcrete();
			}
		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(EventType.class));
		Set<Class<?>> classes = new LinkedHashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				classes.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader));
			}
		}
		// The store's own event: a processor that copied personal data handles it.
		classes.add(PersonalDataErased.class);
		EventTypes.Builder types = EventTypes.builder();
		classes.forEach(types::register);
		return types.build();
	}

}
