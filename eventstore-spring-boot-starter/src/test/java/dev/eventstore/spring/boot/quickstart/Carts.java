package dev.eventstore.spring.boot.quickstart;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;

import org.springframework.stereotype.Service;

// tag::quickstart[]
@Service
class Carts {

	private final EventStore store;

	Carts(EventStore store) {
		this.store = store;
	}

	void addItem(String cartId, String sku, int quantity) {
		this.store.append("cart-" + cartId, NewEvent.of(new ItemAdded(sku, quantity)));
	}

}
// end::quickstart[]
