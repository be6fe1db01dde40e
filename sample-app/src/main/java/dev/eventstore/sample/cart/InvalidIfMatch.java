package dev.eventstore.sample.cart;

/** An If-Match header that names no cart version. */
public class InvalidIfMatch extends RuntimeException {

	private static final long serialVersionUID = 1L;

	InvalidIfMatch(String header) {
		super("If-Match must be a cart version such as \"3\", was " + header);
	}

}
