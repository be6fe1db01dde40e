package dev.eventstore.test;

import java.util.TreeSet;

import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

/** How a stored event compares with an expected payload object. */
final class Payloads {

	private Payloads() {
	}

	/** The type name the payload would be stored with. */
	static String typeOf(Object payload) {
		return (payload instanceof NewEvent event) ? event.type() : NewEvent.typeNameOf(payload.getClass());
	}

	/** Why the event does not hold the payload, or null when it does. */
	static @Nullable String mismatch(StoredEvent event, Object expected) {
		Object payload = expected;
		if (expected instanceof NewEvent newEvent) {
			// What a NewEvent says besides its payload: its tags always (none expects
			// none;
			// they are its consistency boundary), its metadata when it gives any.
			if (!newEvent.tags().equals(event.tags())) {
				return "tags " + new TreeSet<>(event.tags()) + ", not " + new TreeSet<>(newEvent.tags());
			}
			if (!newEvent.metadata().isEmpty() && !newEvent.metadata().equals(event.metadata())) {
				return "metadata " + event.metadata() + ", not " + newEvent.metadata();
			}
			if (newEvent.payload() == null) {
				return (newEvent.type().equals(event.type()) && newEvent.data().equals(event.data())) ? null
						: "type '" + event.type() + "' with data " + event.data();
			}
			// Compared as the payload it was built from: its data may have no plain JSON
			// form (personal values are only ever written encrypted).
			payload = newEvent.payload();
		}
		String type = typeOf(expected);
		if (!type.equals(event.type())) {
			return "type '" + event.type() + "', not '" + type + "'";
		}
		return payloadMismatch(event, payload);
	}

	private static @Nullable String payloadMismatch(StoredEvent event, Object expected) {
		Object actual;
		try {
			actual = event.payload(expected.getClass());
		}
		catch (RuntimeException ex) {
			return "data " + event.data() + " that does not read as " + expected.getClass().getName() + ": "
					+ ex.getMessage();
		}
		return expected.equals(actual) ? null : "payload " + actual;
	}

	static String describe(StoredEvent event) {
		return event.streamId() + "@" + event.version() + " (position " + event.position() + ") " + event.type() + " "
				+ event.data();
	}

}
