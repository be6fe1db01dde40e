package dev.eventstore.sample.cart;

import java.util.List;

import dev.eventstore.types.EventType;

/**
 * The events of a cart's stream. Each names its stored type explicitly, so a class can be
 * renamed without orphaning the events already in the journal.
 */
public final class CartEvents {

	private CartEvents() {
	}

	/**
	 * Some units of a product went into the cart. Revision 2: the first version of the
	 * app called the quantity {@code qty}; {@link CartUpcasters} renames it on read.
	 */
	@EventType(value = "ItemAdded", revision = 2)
	public record ItemAdded(String sku, int quantity) {
	}

	/** A product left the cart, all its units. */
	@EventType("ItemRemoved")
	public record ItemRemoved(String sku, int quantity) {
	}

	/** The cart was bought; it takes no more changes. */
	@EventType("CartCheckedOut")
	public record CartCheckedOut(List<Line> lines) {
	}

	/** A product and how many units of it. */
	public record Line(String sku, int quantity) {
	}

}
