package dev.eventstore.kafka;

import dev.eventstore.EventStoreException;
import org.jspecify.annotations.Nullable;

/**
 * The producer gave up on a forwarded record (the broker refused it, or its delivery
 * timeout passed); the forwarder's processor sends the events after its checkpoint again.
 *
 * @since 0.2.0
 */
public class KafkaForwardingException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	public KafkaForwardingException(String message, @Nullable Throwable cause) {
		super(message);
		if (cause != null) {
			initCause(cause);
		}
	}

}
