package dev.eventstore.spring.boot.autoconfigure;

import dev.eventstore.EventStoreException;

/**
 * The event store could not be built from its configuration; names the property at fault.
 */
class EventStoreConfigurationException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String value;

	EventStoreConfigurationException(String property, Object value, Throwable cause) {
		super("Cannot create the event store from " + property + "=" + value + ": " + cause.getMessage(), cause);
		this.property = property;
		this.value = String.valueOf(value);
	}

	String property() {
		return this.property;
	}

	String value() {
		return this.value;
	}

}
