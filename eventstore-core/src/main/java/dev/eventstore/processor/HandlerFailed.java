package dev.eventstore.processor;

/** Carries a handler's checked exception through a transaction. */
final class HandlerFailed extends RuntimeException {

	private static final long serialVersionUID = 1L;

	HandlerFailed(Throwable cause) {
		super(cause);
	}

}
