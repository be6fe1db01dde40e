package dev.eventstore.personal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.RecordValues;
import dev.eventstore.types.EventTag;
import dev.eventstore.types.PersonalData;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The {@link PersonalData} components of a payload class, found and checked once per
 * class: each with the component naming its subject and its name in the JSON. An empty
 * list for a class without any (most). Immutable.
 *
 * @param type the payload class
 * @param fields its personal components, in declaration order
 * @since 0.2.0
 */
public record PersonalFields(Class<?> type, List<Field> fields) {

	private static final ClassValue<PersonalFields> CLASSES = new ClassValue<>() {
		@Override
		protected PersonalFields computeValue(Class<?> type) {
			return find(type);
		}
	};

	/**
	 * The personal components of a class, checked.
	 * @param type the payload class
	 * @return them, empty when it has none
	 * @throws IllegalArgumentException if a {@link PersonalData} annotation is misplaced:
	 * its subject is not a component of the record, is personal itself, the component is
	 * also an {@link EventTag}, or a nested record carries one
	 */
	public static PersonalFields of(Class<?> type) {
		return CLASSES.get(type);
	}

	/** Whether the class has personal components. */
	public boolean any() {
		return !this.fields.isEmpty();
	}

	/**
	 * Whether a payload of the class holds a personal value: a personal component that is
	 * not null.
	 * @param payload the payload
	 * @return whether it does
	 */
	public boolean anyValue(Object payload) {
		for (Field field : this.fields) {
			if (field.value(payload) != null) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Refuses a payload holding personal values where they would be written in plain
	 * text: only a store with personal-data protection writes them, encrypted.
	 * @param eventType the event's type name
	 * @param payload the payload, or null for data built by hand
	 * @throws IllegalStateException if it holds a personal value
	 */
	public static void refuseUnprotected(String eventType, @Nullable Object payload) {
		if (payload != null && of(payload.getClass()).anyValue(payload)) {
			throw new IllegalStateException("Event '" + eventType + "' holds personal data ("
					+ payload.getClass().getName() + " has @PersonalData components): it is only written "
					+ "encrypted, by a store with personal-data protection (EventStore.builder().personalData(...))");
		}
	}

	/**
	 * A payload as text for texts about an event that is not yet stored, which may be
	 * logged: its {@code toString()}, or for a class with personal components as its
	 * record's {@code toString()} would read with each personal value shown as
	 * {@value Redaction#MARK} (null ones as {@code null}).
	 * @param payload a payload of this class
	 * @return the text
	 */
	public String describe(Object payload) {
		if (!any()) {
			return payload.toString();
		}
		StringBuilder text = new StringBuilder(this.type.getSimpleName()).append('[');
		RecordComponent[] components = this.type.getRecordComponents();
		for (int i = 0; i < components.length; i++) {
			RecordComponent component = components[i];
			text.append((i > 0) ? ", " : "").append(component.getName()).append('=');
			Field personal = null;
			for (Field field : this.fields) {
				if (field.name().equals(component.getName())) {
					personal = field;
				}
			}
			if (personal != null) {
				text.append((personal.value(payload) != null) ? Redaction.MARK : "null");
			}
			else {
				text.append(componentValue(component, payload));
			}
		}
		return text.append(']').toString();
	}

	private static @Nullable Object componentValue(RecordComponent component, Object payload) {
		try {
			return RecordValues.of(component, payload);
		}
		catch (IllegalStateException ex) {
			// A text for logs: an accessor that fails does not make it fail.
			return "?";
		}
	}

	/**
	 * One personal component.
	 *
	 * @param name the component's name
	 * @param json its name in the JSON
	 * @param subjectName the subject's component
	 * @param subjectJson the subject's name in the JSON
	 * @param replacement what it reads as after erasure, empty for null (a primitive's is
	 * never empty: its zero when the annotation gives none)
	 * @param text whether it is text (a replacement is read as text, not JSON)
	 * @param accessor reads it from a payload
	 * @param subjectAccessor reads the subject's id from a payload
	 */
	public record Field(String name, String json, String subjectName, String subjectJson, String replacement,
			boolean text, Method accessor, Method subjectAccessor) {

		/** The component's value in a payload. */
		@Nullable Object value(Object payload) {
			return read(this.accessor, payload);
		}

		/**
		 * The subject's id of a payload that holds a value of this component, as text.
		 * @throws IllegalArgumentException if it is null or empty: personal data needs
		 * the id of the person it belongs to, and an empty id could not be erased
		 */
		String subject(Object payload) {
			Object subject = read(this.subjectAccessor, payload);
			String id = (subject != null) ? subject.toString() : null;
			if (id == null || id.isEmpty()) {
				throw new IllegalArgumentException("The @PersonalData component '" + this.name + "' of "
						+ payload.getClass().getName() + " has a value but its subject '" + this.subjectName + "' is "
						+ ((id == null) ? "null" : "empty")
						+ ": personal data needs the id of the person it belongs to (one that can be erased)");
			}
			return id;
		}

		private @Nullable Object read(Method method, Object payload) {
			try {
				return method.invoke(payload);
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				throw new IllegalArgumentException(
						"Cannot read component " + method.getName() + " of " + payload.getClass().getName() + ": " + ex,
						ex);
			}
		}

	}

	private static PersonalFields find(Class<?> type) {
		if (!type.isRecord()) {
			return new PersonalFields(type, List.of());
		}
		RecordComponent[] components = type.getRecordComponents();
		List<Field> fields = new ArrayList<>();
		for (RecordComponent component : components) {
			PersonalData personal = component.getAnnotation(PersonalData.class);
			if (personal == null) {
				refuseNested(type, component.getName(), component.getGenericType(), new HashSet<>());
				continue;
			}
			if (component.getAnnotation(EventTag.class) != null) {
				throw new IllegalArgumentException(
						"Component '" + component.getName() + "' of " + type.getName() + " is both @PersonalData and "
								+ "@EventTag: tags are stored in plain text; tag the event with something else");
			}
			RecordComponent subject = null;
			for (RecordComponent candidate : components) {
				if (candidate.getName().equals(personal.subject())) {
					subject = candidate;
				}
			}
			if (subject == null) {
				throw new IllegalArgumentException("@PersonalData(subject = \"" + personal.subject()
						+ "\") on component '" + component.getName() + "' of " + type.getName()
						+ " names no component of the record; " + "its components are " + names(components));
			}
			if (subject.getAnnotation(PersonalData.class) != null) {
				throw new IllegalArgumentException("@PersonalData on component '" + component.getName() + "' of "
						+ type.getName() + " names '" + subject.getName()
						+ "' as its subject, which is personal data itself: the subject's id is stored in plain text");
			}
			if (!isIdType(subject.getType())) {
				throw new IllegalArgumentException("@PersonalData on component '" + component.getName() + "' of "
						+ type.getName() + " names '" + subject.getName() + "' as its subject, of type "
						+ subject.getType().getName() + ": a subject's id must be text, a UUID or a whole number, "
						+ "whose text is the same in the record and in its JSON (the key is found by it on both sides)");
			}
			Method accessor = component.getAccessor();
			Method subjectAccessor = subject.getAccessor();
			accessor.setAccessible(true);
			subjectAccessor.setAccessible(true);
			fields.add(new Field(component.getName(), jsonName(component), subject.getName(), jsonName(subject),
					replacement(type, component, personal.replacement()),
					CharSequence.class.isAssignableFrom(component.getType()), accessor, subjectAccessor));
		}
		return new PersonalFields(type, List.copyOf(fields));
	}

	/**
	 * What a component reads as after erasure. A primitive cannot read as null (the
	 * mapper refuses null for it): without a replacement it reads as its zero, and a
	 * replacement that does not parse as it is refused now rather than failing reads
	 * after an erasure.
	 */
	private static String replacement(Class<?> owner, RecordComponent component, String replacement) {
		Class<?> type = component.getType();
		if (!type.isPrimitive()) {
			return replacement;
		}
		if (replacement.isEmpty()) {
			return (type == boolean.class) ? "false" : "0";
		}
		JsonNode node;
		try {
			node = JsonData.TREES.readTree(replacement);
		}
		catch (JacksonException ex) {
			node = null;
		}
		if (node == null || !((type == boolean.class) ? node.isBoolean() : node.isNumber())) {
			throw new IllegalArgumentException("@PersonalData(replacement = \"" + replacement + "\") on component '"
					+ component.getName() + "' of " + owner.getName() + " does not read as its type, " + type.getName()
					+ ": a primitive reads as its replacement after erasure (as its zero without one)");
		}
		return replacement;
	}

	/**
	 * Whether a subject's id of this type has the same text as a Java value
	 * ({@code toString()}, when a payload is written) and as a JSON value (when it is
	 * read): text, UUIDs and whole numbers. A record's or a double's would differ.
	 */
	private static boolean isIdType(Class<?> type) {
		return CharSequence.class.isAssignableFrom(type) || type == UUID.class || type == long.class
				|| type == Long.class || type == int.class || type == Integer.class || type == short.class
				|| type == Short.class || type == byte.class || type == Byte.class || type == BigInteger.class;
	}

	/** Refuses {@link PersonalData} inside records nested in a component's type. */
	private static void refuseNested(Class<?> owner, String component, Type type, Set<Class<?>> seen) {
		if (type instanceof ParameterizedType parameterized) {
			refuseNested(owner, component, parameterized.getRawType(), seen);
			for (Type argument : parameterized.getActualTypeArguments()) {
				refuseNested(owner, component, argument, seen);
			}
			return;
		}
		if (!(type instanceof Class<?> nested)) {
			return;
		}
		if (nested.isArray()) {
			refuseNested(owner, component, nested.getComponentType(), seen);
			return;
		}
		if (!nested.isRecord() || !seen.add(nested) || Map.class.isAssignableFrom(nested)) {
			return;
		}
		for (RecordComponent inner : nested.getRecordComponents()) {
			if (inner.getAnnotation(PersonalData.class) != null) {
				throw new IllegalArgumentException("@PersonalData on component '" + inner.getName() + "' of "
						+ nested.getName() + ", nested in component '" + component + "' of " + owner.getName()
						+ ", is not supported: only components of the event's own record are encrypted; "
						+ "move the personal values and their subject's id to " + owner.getSimpleName());
			}
			refuseNested(owner, component, inner.getGenericType(), seen);
		}
	}

	private static String jsonName(RecordComponent component) {
		JsonProperty property = component.getAnnotation(JsonProperty.class);
		if (property == null) {
			try {
				property = component.getAccessor().getAnnotation(JsonProperty.class);
			}
			catch (SecurityException ex) {
				property = null;
			}
		}
		return (property != null && !property.value().isEmpty()) ? property.value() : component.getName();
	}

	private static String names(RecordComponent[] components) {
		List<String> names = new ArrayList<>();
		for (RecordComponent component : components) {
			names.add(component.getName());
		}
		return String.join(", ", names);
	}

}
