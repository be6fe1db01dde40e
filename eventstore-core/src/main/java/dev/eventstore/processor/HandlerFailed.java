package dev.eventstore.processor;

import dev.eventstore.StoredEvent;

/** Carries a handler's checked exception through a transaction. */
final class HandlerFailed extends RuntimeException {

	private static final long serialVersionUID = 1L;

	HandlerFailed(Throwable cause) {
		super(cause);
	}

	/**
	 * Calls the handler inside a transaction's work: a checked exception is carried out
	 * wrapped, to be unwrapped where the transaction ends.
	 */
	static void handle(EventHandler handler, StoredEvent event, Delivery delivery) {
		try {
			handler.handle(event, delivery);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerFailed(ex);
		}
	}

}
