package dev.eventstore.spring.boot.events;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstore.EventStoreObserver;
import dev.eventstore.EventType;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Maps stored event type names to the payload classes they are read back as. A class maps
 * under its {@link EventType} name, else its simple name. The registry learns mappings
 * three ways: scanning packages (classes annotated with {@code @EventType}, and records),
 * typed appends ({@link NewEvent#of(Object)}) as the store reports them, and
 * {@link #register(Class)}. An annotated class always wins over an unannotated one; two
 * unannotated records with one simple name are ambiguous and map to neither. Thread-safe.
 */
public final class EventTypeRegistry implements EventStoreObserver {

	private static final Log logger = LogFactory.getLog(EventTypeRegistry.class);

	private final Map<String, Class<?>> types = new ConcurrentHashMap<>();

	private final Set<String> ambiguous = ConcurrentHashMap.newKeySet();

	/**
	 * Registers a payload class under its type name.
	 * @param payloadType the class
	 * @return this registry
	 * @throws IllegalStateException if another class is registered under the same name
	 */
	public EventTypeRegistry register(Class<?> payloadType) {
		String name = NewEvent.typeNameOf(payloadType);
		Class<?> existing = this.types.putIfAbsent(name, payloadType);
		if (existing != null && existing != payloadType) {
			throw new IllegalStateException("Event type '" + name + "' would map to both " + existing.getName()
					+ " and " + payloadType.getName() + "; give one of them a distinct @EventType name");
		}
		this.ambiguous.remove(name);
		return this;
	}

	/**
	 * The class events of a type are read back as.
	 * @param typeName the stored type name
	 * @return the class, empty when none is known
	 */
	public Optional<Class<?>> classFor(String typeName) {
		return Optional.ofNullable(this.types.get(typeName));
	}

	/** Every mapping, type name to class. */
	public Map<String, Class<?>> mappings() {
		return Map.copyOf(this.types);
	}

	/** Learns the classes of typed appends. */
	@Override
	public void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
		for (NewEvent event : events) {
			Class<?> payloadType = event.payloadType();
			if (payloadType != null && !payloadType.equals(this.types.get(event.type()))) {
				Class<?> existing = this.types.putIfAbsent(event.type(), payloadType);
				if (existing == null) {
					this.ambiguous.remove(event.type());
				}
				else if (existing != payloadType) {
					logger.warn("Event type '" + event.type() + "' was appended from " + payloadType.getName()
							+ " but maps to " + existing.getName() + "; listeners receive " + existing.getSimpleName());
				}
			}
		}
	}

	/**
	 * Scans packages for classes annotated with {@link EventType} and for records.
	 * @param packages the base packages
	 * @param classLoader the class loader to load them with
	 * @return a registry holding what was found
	 * @throws IllegalStateException if two annotated classes claim one type name
	 */
	public static EventTypeRegistry scan(Collection<String> packages, ClassLoader classLoader) {
		EventTypeRegistry registry = new EventTypeRegistry();
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
			@Override
			protected boolean isCandidateComponent(
					org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isIndependent() && definition.getMetadata().isConcrete();
			}
		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(EventType.class));
		scanner.addIncludeFilter(new AssignableTypeFilter(Record.class));
		Set<Class<?>> unannotated = new HashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), classLoader);
				if (type.isAnnotationPresent(EventType.class)) {
					registry.register(type);
				}
				else {
					unannotated.add(type);
				}
			}
		}
		for (Class<?> type : unannotated) {
			String name = type.getSimpleName();
			if (registry.ambiguous.contains(name)) {
				continue;
			}
			Class<?> existing = registry.types.putIfAbsent(name, type);
			if (existing != null && existing != type && !existing.isAnnotationPresent(EventType.class)) {
				registry.types.remove(name);
				registry.ambiguous.add(name);
				logger.debug("Records " + existing.getName() + " and " + type.getName() + " share the name '" + name
						+ "'; neither maps to events of that type unless annotated with @EventType");
			}
		}
		return registry;
	}

}
