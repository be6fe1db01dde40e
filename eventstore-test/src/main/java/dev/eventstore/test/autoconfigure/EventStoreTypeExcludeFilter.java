package dev.eventstore.test.autoconfigure;

import java.io.IOException;
import java.util.Set;

import dev.eventstore.spring.boot.processor.EventProcessor;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.core.type.MethodMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * Keeps the application's event model in an {@link EventStoreTest} slice, and leaves
 * every other component out: {@code @EventProcessor} beans, {@link Upcaster}s, and
 * configuration classes whose {@code @Bean} methods define upcasters or event types.
 */
final class EventStoreTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<EventStoreTest> {

	private static final Set<String> MODEL_TYPES = Set.of(Upcaster.class.getName(), EventTypes.class.getName());

	EventStoreTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
	}

	@Override
	protected Set<Class<?>> getKnownIncludes() {
		return Set.of(EventProcessor.class, Upcaster.class);
	}

	@Override
	protected boolean defaultInclude(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		if (super.defaultInclude(metadataReader, metadataReaderFactory)) {
			return true;
		}
		for (MethodMetadata method : metadataReader.getAnnotationMetadata().getAnnotatedMethods(Bean.class.getName())) {
			if (MODEL_TYPES.contains(method.getReturnTypeName())) {
				return true;
			}
		}
		return false;
	}

}
