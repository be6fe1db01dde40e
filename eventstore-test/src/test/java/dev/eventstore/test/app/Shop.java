package dev.eventstore.test.app;

import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;

import org.springframework.stereotype.Service;

/** Command handling under test: checks out a cart if it has items. */
@Service
public class Shop {

	private final EventStore store;

	public Shop(EventStore store) {
		this.store = store;
	}

	public void checkout(String cart) {
		int units = 0;
		long version = 0;
		for (StoredEvent event : this.store.readStream("cart-" + cart)) {
			version = event.version();
			if (event.payload() instanceof ShopEvents.ItemAdded added) {
				units += added.quantity();
			}
			if (event.payload() instanceof ShopEvents.CheckedOut) {
				throw new IllegalStateException("Cart " + cart + " is checked out");
			}
		}
		if (units == 0) {
			throw new IllegalStateException("Cart " + cart + " is empty");
		}
		this.store.append("cart-" + cart, NewEvent.of(new ShopEvents.CheckedOut(units)),
				ExpectedVersion.exactly(version));
	}

}
