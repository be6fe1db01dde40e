package dev.eventstore.sample.cart;

/**
 * A checkout would sell more units of a limited product than its stock holds across all
 * carts; nothing was appended.
 */
public class OutOfStock extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String sku;

	private final int available;

	OutOfStock(String sku, int wanted, int available) {
		super("Only " + available + " units of " + sku + " are left; the cart holds " + wanted);
		this.sku = sku;
		this.available = available;
	}

	/** The product whose stock ran out. */
	public String sku() {
		return this.sku;
	}

	/** The units still available. */
	public int available() {
		return this.available;
	}

}
