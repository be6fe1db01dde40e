package dev.eventstore.spring.boot.processor;

import dev.eventstore.types.EventType;

/** The events of these tests. */
final class ShopEvents {

	private ShopEvents() {
	}

	sealed interface ShopEvent permits Added, Removed, Paid {

	}

	@EventType("Added")
	record Added(String sku, int quantity) implements ShopEvent {
	}

	@EventType("Removed")
	record Removed(String sku) implements ShopEvent {
	}

	@EventType("Paid")
	record Paid(long cents) implements ShopEvent {
	}

}
