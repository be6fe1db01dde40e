package dev.eventstore.test.app;

import dev.eventstore.types.EventType;

/** The test application's events. */
public final class ShopEvents {

	private ShopEvents() {
	}

	@EventType("ItemAdded")
	public record ItemAdded(String sku, int quantity) {
	}

	@EventType("CheckedOut")
	public record CheckedOut(int units) {
	}

}
