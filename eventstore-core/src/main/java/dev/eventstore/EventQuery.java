package dev.eventstore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which events a decision depends on, across streams: one or more items, an event
 * matching the query when it matches any item. An item matches an event whose type is one
 * of the item's types (no types: any type) and whose tags contain all of the item's tags
 * (no tags: any tags). {@link #all()} matches every event. Immutable; two queries are
 * equal when their items are.
 *
 * <p>
 * The semantics of the Dynamic Consistency Boundary specification (dcb.events):
 * {@code EventQuery.of(List.of("ItemReserved"), List.of("sku:gold-1"))} is "every
 * {@code ItemReserved} tagged {@code sku:gold-1}", and {@code q1.or(q2)} is every event
 * either matches.
 *
 * @since 0.2.0
 */
public final class EventQuery {

	private static final EventQuery ALL = new EventQuery(List.of(new Item(Set.of(), Set.of())));

	private final List<Item> items;

	private EventQuery(List<Item> items) {
		this.items = items;
	}

	/**
	 * The query that matches every event.
	 * @return the query
	 */
	public static EventQuery all() {
		return ALL;
	}

	/**
	 * A query of one item.
	 * @param types the event types it matches, any type when empty
	 * @param tags the tags an event must all have, none when empty
	 * @return the query
	 * @throws IllegalArgumentException if a type or tag is null or blank
	 */
	public static EventQuery of(List<String> types, List<String> tags) {
		if (types == null || tags == null) {
			throw new IllegalArgumentException("An event query needs lists of types and tags (empty for any)");
		}
		return new EventQuery(List.of(new Item(texts(types, "type"), texts(tags, "tag"))));
	}

	/**
	 * A query of one item with types only: every event of those types.
	 * @param types the event types
	 * @return the query
	 */
	public static EventQuery ofTypes(String... types) {
		return of(List.of(types), List.of());
	}

	/**
	 * A query of one item with tags only: every event with all of them.
	 * @param tags the tags
	 * @return the query
	 */
	public static EventQuery ofTags(String... tags) {
		return of(List.of(), List.of(tags));
	}

	private static Set<String> texts(List<String> values, String what) {
		Set<String> set = new LinkedHashSet<>();
		for (String value : values) {
			if (value == null || value.isBlank()) {
				throw new IllegalArgumentException("An event query's " + what + " must not be null or blank");
			}
			set.add(value);
		}
		return Collections.unmodifiableSet(set);
	}

	/**
	 * The query that matches what this one or the other matches.
	 * @param other the other query
	 * @return the combined query
	 */
	public EventQuery or(EventQuery other) {
		if (other == null) {
			throw new IllegalArgumentException("The query to combine with must not be null");
		}
		if (matchesAll() || other.matchesAll()) {
			return ALL;
		}
		List<Item> combined = new ArrayList<>(this.items);
		for (Item item : other.items) {
			if (!combined.contains(item)) {
				combined.add(item);
			}
		}
		return new EventQuery(List.copyOf(combined));
	}

	/** The items, any of which an event must match. */
	public List<Item> items() {
		return this.items;
	}

	/** Whether the query matches every event: an item with neither types nor tags. */
	public boolean matchesAll() {
		for (Item item : this.items) {
			if (item.types().isEmpty() && item.tags().isEmpty()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether an event of this type with these tags matches.
	 * @param type the event's type
	 * @param tags the event's tags
	 * @return whether it matches
	 */
	public boolean matches(String type, Set<String> tags) {
		for (Item item : this.items) {
			if ((item.types().isEmpty() || item.types().contains(type)) && tags.containsAll(item.tags())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a stored event matches.
	 * @param event the event
	 * @return whether it matches
	 */
	public boolean matches(StoredEvent event) {
		return matches(event.type(), event.tags());
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof EventQuery that && this.items.equals(that.items);
	}

	@Override
	public int hashCode() {
		return this.items.hashCode();
	}

	@Override
	public String toString() {
		return "EventQuery" + this.items;
	}

	/**
	 * One item of a query.
	 *
	 * @param types the types it matches, any when empty
	 * @param tags the tags an event must all have
	 */
	public record Item(Set<String> types, Set<String> tags) {

		@Override
		public String toString() {
			return "types " + this.types + " tags " + this.tags;
		}

	}

}
