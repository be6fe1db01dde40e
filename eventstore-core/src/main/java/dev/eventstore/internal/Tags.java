package dev.eventstore.internal;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Event tags: sets of checked tags, and the tags a record's {@code @EventTag} components
 * give it.
 */
public final class Tags {

	private Tags() {
	}

	/**
	 * The tags with more added, checked: each a valid tag, at most
	 * {@code EventLimits.MAX_TAGS} in all.
	 * @param tags the tags so far (a set this class made)
	 * @param more the tags to add
	 * @return the immutable set, in the order the tags came
	 * @throws IllegalArgumentException naming the first bad tag or the count
	 */
	public static Set<String> with(Set<String> tags, Iterable<String> more) {
		Set<String> all = new LinkedHashSet<>(tags);
		for (String tag : more) {
			all.add(Texts.requireTag(tag));
		}
		if (all.size() > Limits.MAX_TAGS) {
			throw new IllegalArgumentException("An event has " + all.size() + " tags; the limit is " + Limits.MAX_TAGS
					+ " (EventLimits.MAX_TAGS)");
		}
		return all.isEmpty() ? Set.of() : Collections.unmodifiableSet(all);
	}

	/**
	 * Tags read back from a journal: trusted, kept in their stored order.
	 * @param tags the tags
	 * @return the immutable set
	 */
	public static Set<String> stored(List<String> tags) {
		return tags.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(tags));
	}

	/**
	 * How a record class's {@code @EventTag} components tag its instances.
	 * @param type the payload class
	 * @param keyOf the key of a component's tag, or null for a component without one
	 * @return the components that tag, or an empty list
	 */
	public static List<Tagging> taggingOf(Class<?> type, Function<RecordComponent, @Nullable String> keyOf) {
		if (!type.isRecord()) {
			return List.of();
		}
		List<Tagging> taggings = new ArrayList<>();
		for (RecordComponent component : type.getRecordComponents()) {
			String key = keyOf.apply(component);
			if (key != null) {
				Method accessor = component.getAccessor();
				accessor.setAccessible(true);
				taggings.add(new Tagging(key.isEmpty() ? component.getName() : key, accessor));
			}
		}
		return List.copyOf(taggings);
	}

	/**
	 * The tags a payload's tagging components give it.
	 * @param payload the payload
	 * @param taggings its class's tagging components
	 * @return the tags, unchecked
	 */
	public static List<String> of(Object payload, List<Tagging> taggings) {
		List<String> tags = new ArrayList<>();
		for (Tagging tagging : taggings) {
			Object value;
			try {
				value = tagging.accessor().invoke(payload);
			}
			catch (IllegalAccessException | InvocationTargetException ex) {
				throw new IllegalArgumentException("Cannot read the @EventTag component " + tagging.key() + " of "
						+ payload.getClass().getName() + ": " + ex, ex);
			}
			if (value instanceof Collection<?> values) {
				for (Object element : values) {
					add(tags, tagging.key(), element);
				}
			}
			else if (value != null && value.getClass().isArray()) {
				for (int i = 0, n = Array.getLength(value); i < n; i++) {
					add(tags, tagging.key(), Array.get(value, i));
				}
			}
			else {
				add(tags, tagging.key(), value);
			}
		}
		return tags;
	}

	private static void add(List<String> tags, String key, @Nullable Object value) {
		if (value != null) {
			tags.add(key + ":" + ((value instanceof Enum<?> e) ? e.name() : value.toString()));
		}
	}

	/**
	 * A record component that tags: the tag's key and the component's accessor.
	 *
	 * @param key the key
	 * @param accessor the accessor
	 */
	public record Tagging(String key, Method accessor) {
	}

}
