package dev.eventstore.types;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The event types a store knows: type name, and older names
 * ({@link EventType#aliases()}), to class, and class to name and revision. Declared,
 * never guessed: a class is registered because it is annotated with {@link EventType} and
 * handed to the builder, or registered with an explicit name. Two classes claiming one
 * name (or alias) fail the build naming both. Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class EventTypes {

	private static final EventTypes NONE = new EventTypes(Map.of(), Map.of(), Map.of());

	private final Map<String, Class<?>> byName;

	private final Map<Class<?>, String> names;

	private final Map<Class<?>, Integer> revisions;

	private EventTypes(Map<String, Class<?>> byName, Map<Class<?>, String> names, Map<Class<?>, Integer> revisions) {
		this.byName = Map.copyOf(byName);
		this.names = Map.copyOf(names);
		this.revisions = Map.copyOf(revisions);
	}

	/** No types: {@code payload()} of every event says so. */
	public static EventTypes none() {
		return NONE;
	}

	/** A builder of a registry. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A registry of annotated classes.
	 * @param classes classes annotated with {@link EventType}
	 * @return the registry
	 * @throws IllegalArgumentException if a class is not annotated or a name is claimed
	 * twice
	 */
	public static EventTypes of(Class<?>... classes) {
		Builder builder = builder();
		for (Class<?> type : classes) {
			builder.register(type);
		}
		return builder.build();
	}

	/**
	 * The class events of a type name (or an alias of it) are read back as.
	 * @param typeName the stored type name
	 * @return the class, empty when none is registered
	 */
	public Optional<Class<?>> classFor(String typeName) {
		return Optional.ofNullable(this.byName.get(typeName));
	}

	/**
	 * The name a class's events are stored under.
	 * @param payloadType the class
	 * @return the name, empty when the class is not registered
	 */
	public Optional<String> nameOf(Class<?> payloadType) {
		return Optional.ofNullable(this.names.get(payloadType));
	}

	/**
	 * The current revision of a type name's data: its class's
	 * {@link EventType#revision()}, 1 for unknown names.
	 * @param typeName a type name or alias
	 * @return the revision
	 */
	public int revisionOf(String typeName) {
		Class<?> type = this.byName.get(typeName);
		return (type != null) ? this.revisions.get(type) : 1;
	}

	/** Every name and alias, with its class. */
	public Map<String, Class<?>> mappings() {
		return this.byName;
	}

	/** Whether no type is registered. */
	public boolean isEmpty() {
		return this.byName.isEmpty();
	}

	@Override
	public String toString() {
		return "EventTypes" + this.names;
	}

	/** Builds an {@link EventTypes}; not thread-safe. */
	public static final class Builder {

		private final Map<String, Class<?>> byName = new LinkedHashMap<>();

		private final Map<Class<?>, String> names = new LinkedHashMap<>();

		private final Map<Class<?>, Integer> revisions = new LinkedHashMap<>();

		private @Nullable IllegalArgumentException clash;

		Builder() {
		}

		/**
		 * Registers a class annotated with {@link EventType} under its name and aliases.
		 * @param payloadType the class
		 * @return this builder
		 * @throws IllegalArgumentException if the class is not annotated
		 */
		public Builder register(Class<?> payloadType) {
			EventType annotation = payloadType.getAnnotation(EventType.class);
			if (annotation == null) {
				throw new IllegalArgumentException(payloadType.getName() + " is not annotated with @EventType; "
						+ "annotate it, or register it with an explicit name");
			}
			return register(annotation.value(), payloadType, annotation.revision(), annotation.aliases());
		}

		/**
		 * Registers a class under a name of your choice.
		 * @param typeName the stored type name
		 * @param payloadType the class
		 * @return this builder
		 */
		public Builder register(String typeName, Class<?> payloadType) {
			EventType annotation = payloadType.getAnnotation(EventType.class);
			return register(typeName, payloadType, (annotation != null) ? annotation.revision() : 1,
					(annotation != null) ? annotation.aliases() : new String[0]);
		}

		/**
		 * Registers every class of a collection that is annotated with {@link EventType}.
		 * @param classes the classes
		 * @return this builder
		 */
		public Builder registerAll(Collection<Class<?>> classes) {
			classes.forEach(this::register);
			return this;
		}

		private Builder register(String typeName, Class<?> payloadType, int revision, String[] aliases) {
			if (typeName == null || typeName.isBlank()) {
				throw new IllegalArgumentException("The event type name of " + payloadType.getName() + " is blank");
			}
			if (revision < 1) {
				throw new IllegalArgumentException(
						"The revision of " + payloadType.getName() + " must be >= 1, was " + revision);
			}
			String existingName = this.names.get(payloadType);
			if (existingName != null && !existingName.equals(typeName)) {
				throw new IllegalArgumentException(payloadType.getName() + " is registered as '" + existingName
						+ "' already and cannot also be '" + typeName + "'");
			}
			claim(typeName, payloadType);
			for (String alias : aliases) {
				claim(alias, payloadType);
			}
			this.names.put(payloadType, typeName);
			this.revisions.put(payloadType, revision);
			return this;
		}

		private void claim(String name, Class<?> payloadType) {
			Class<?> other = this.byName.putIfAbsent(name, payloadType);
			if (other != null && other != payloadType && this.clash == null) {
				this.clash = new IllegalArgumentException(
						"Event type name '" + name + "' is claimed by both " + other.getName() + " and "
								+ payloadType.getName() + "; give one of them another @EventType name or alias");
			}
		}

		/**
		 * The registry.
		 * @return the registry
		 * @throws IllegalArgumentException naming both classes if two claim one name
		 */
		public EventTypes build() {
			if (this.clash != null) {
				throw this.clash;
			}
			return new EventTypes(this.byName, this.names, this.revisions);
		}

	}

}
