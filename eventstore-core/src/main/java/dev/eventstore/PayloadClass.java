package dev.eventstore;

import java.util.List;
import java.util.Set;

import dev.eventstore.internal.Tags;
import dev.eventstore.internal.Texts;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.types.EventTag;
import org.jspecify.annotations.Nullable;

/**
 * What {@link NewEvent#of(Object)} needs of a payload's class, looked up once per class:
 * a typed append asks every time. Its type name ({@code @EventType} or the simple name),
 * its revision, and the components that tag its events ({@code @EventTag}).
 *
 * @param typeName the stored type name
 * @param revision the schema revision
 * @param taggings the tagging components, in order
 */
record PayloadClass(String typeName, int revision, List<Tags.Tagging> taggings) {

	private static final ClassValue<PayloadClass> CLASSES = new ClassValue<>() {
		@Override
		protected PayloadClass computeValue(Class<?> type) {
			// Misplaced @PersonalData is refused before any event of the class is made.
			PersonalFields.of(type);
			return new PayloadClass(Texts.requireType(NewEvent.typeNameOf(type)), NewEvent.revisionOf(type),
					Tags.taggingOf(type, (component) -> {
						EventTag tag = component.getAnnotation(EventTag.class);
						return (tag != null) ? tag.value() : null;
					}));
		}
	};

	static PayloadClass of(Class<?> type) {
		return CLASSES.get(type);
	}

	/**
	 * Refuses an event given as a payload: wrapped, it would fail only at append, with
	 * the serializer's message, which does not say what went wrong.
	 * @throws IllegalArgumentException if it is a {@link NewEvent} or a
	 * {@link StoredEvent}
	 */
	static void refuseEvent(@Nullable Object payload) {
		if (payload instanceof NewEvent) {
			throw new IllegalArgumentException(
					"NewEvent.of takes an event's payload, not a NewEvent: append the NewEvent itself");
		}
		if (payload instanceof StoredEvent) {
			throw new IllegalArgumentException("NewEvent.of takes an event's payload, not a StoredEvent: to copy a "
					+ "stored event, use NewEvent.ofJson(stored.type(), stored.dataJson(), stored.metadata())"
					+ ".withTags(stored.tags().toArray(String[]::new))");
		}
	}

	/**
	 * Whether a value is a payload to serialise at append rather than JSON data: anything
	 * but the values that serialise to something other than an object, which are refused
	 * when the event is made.
	 */
	static boolean isPayload(Object data) {
		return !(data instanceof Iterable<?> || data instanceof CharSequence || data instanceof Number
				|| data instanceof Boolean || data instanceof Character || data.getClass().isArray()
				|| data.getClass() == Object.class);
	}

	/** The tags a payload's tagging components give it, checked. */
	Set<String> tagsOf(Object payload) {
		return this.taggings.isEmpty() ? Set.of() : Tags.with(Set.of(), Tags.of(payload, this.taggings));
	}

}
