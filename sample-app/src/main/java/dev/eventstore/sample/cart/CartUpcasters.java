package dev.eventstore.sample.cart;

import dev.eventstore.upcasting.Upcaster;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How older cart events read today. The store applies these on every read; the journal
 * keeps what the old version wrote.
 */
@Configuration(proxyBeanMethods = false)
class CartUpcasters {

	/** Revision 1 of ItemAdded, written by the first version of the app, said "qty". */
	@Bean
	Upcaster itemAddedQtyBecameQuantity() {
		return Upcaster.of("ItemAdded", 1, (data) -> {
			data.set("quantity", data.remove("qty"));
			return data;
		});
	}

}
