package dev.eventstore.sample.cart;

/** No cart has this id: its stream has no events. */
public class CartNotFound extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CartNotFound(String id) {
		super("No cart " + id);
	}

}
