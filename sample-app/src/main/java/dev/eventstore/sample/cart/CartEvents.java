package dev.eventstore.sample.cart;

import java.util.List;

import dev.eventstore.types.EventType;
import dev.eventstore.types.PersonalData;
import org.jspecify.annotations.Nullable;

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

	/**
	 * The cart was bought; it takes no more changes. The customer, when the checkout
	 * named one: the name and e-mail are personal data of that customer, stored encrypted
	 * and erased with {@code DELETE /customers/{customerId}/personal-data}.
	 */
	@EventType("CartCheckedOut")
	public record CartCheckedOut(List<Line> lines, @Nullable String customerId,
			@PersonalData(subject = "customerId") @Nullable String name,
			@PersonalData(subject = "customerId", replacement = "[erased]") @Nullable String email) {

		/** A checkout that names no customer. */
		public CartCheckedOut(List<Line> lines) {
			this(lines, null, null, null);
		}

	}

	/** Who checks a cart out, when they say. */
	public record Customer(String customerId, @Nullable String name, @Nullable String email) {
	}

	/** A product and how many units of it. */
	public record Line(String sku, int quantity) {
	}

}
