package dev.eventstore.sample.cart;

/** A command broke one of the cart's rules; nothing was appended. */
public class CartRuleViolation extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CartRuleViolation(String message) {
		super(message);
	}

}
