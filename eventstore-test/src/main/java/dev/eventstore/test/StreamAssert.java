package dev.eventstore.test;

import java.util.List;

import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the events of one stream, as read when the assertion was made.
 *
 * @since 0.2.0
 */
public final class StreamAssert extends AbstractAssert<StreamAssert, List<StoredEvent>> {

	private final String streamId;

	StreamAssert(String streamId, List<StoredEvent> events) {
		super(events, StreamAssert.class);
		this.streamId = streamId;
		describedAs("stream '%s'", streamId);
	}

	/**
	 * Verifies the stream holds exactly events of these type names, in this order.
	 * @param types the type names
	 * @return this
	 */
	public StreamAssert containsExactlyTypes(String... types) {
		List<String> actualTypes = this.actual.stream().map(StoredEvent::type).toList();
		if (!actualTypes.equals(List.of(types))) {
			failWithMessage("Expected stream '%s' to hold events of types %s but it holds %s", this.streamId,
					List.of(types), actualTypes);
		}
		return this;
	}

	/**
	 * Verifies the stream holds exactly events of these payload classes' type names, in
	 * this order.
	 * @param payloadTypes the payload classes
	 * @return this
	 */
	public StreamAssert containsExactlyTypes(Class<?>... payloadTypes) {
		String[] names = new String[payloadTypes.length];
		for (int i = 0; i < payloadTypes.length; i++) {
			names[i] = NewEvent.typeNameOf(payloadTypes[i]);
		}
		return containsExactlyTypes(names);
	}

	/**
	 * Verifies the stream holds exactly events with these payloads (equal objects of the
	 * same type names), in this order.
	 * @param payloads the payloads
	 * @return this
	 */
	public StreamAssert containsExactlyPayloads(Object... payloads) {
		if (this.actual.size() != payloads.length) {
			failWithMessage("Expected stream '%s' to hold %d events but it holds %d: %s", this.streamId,
					payloads.length, this.actual.size(), this.actual.stream().map(Payloads::describe).toList());
		}
		for (int i = 0; i < payloads.length; i++) {
			String mismatch = Payloads.mismatch(this.actual.get(i), payloads[i]);
			if (mismatch != null) {
				failWithMessage("Expected event %d of stream '%s' to be %s but it has %s", i + 1, this.streamId,
						payloads[i], mismatch);
			}
		}
		return this;
	}

	/**
	 * Verifies the stream's version (its number of events).
	 * @param version the expected version
	 * @return this
	 */
	public StreamAssert hasVersion(long version) {
		long actualVersion = this.actual.isEmpty() ? 0 : this.actual.get(this.actual.size() - 1).version();
		if (actualVersion != version) {
			failWithMessage("Expected stream '%s' to be at version %d but it is at %d", this.streamId, version,
					actualVersion);
		}
		return this;
	}

	/** Verifies the stream holds no event (it does not exist). */
	public StreamAssert isEmpty() {
		if (!this.actual.isEmpty()) {
			failWithMessage("Expected stream '%s' to be empty but it holds %s", this.streamId,
					this.actual.stream().map(Payloads::describe).toList());
		}
		return this;
	}

	/** Assertions on the stream's last event; fails when the stream is empty. */
	public StoredEventAssert lastEvent() {
		if (this.actual.isEmpty()) {
			failWithMessage("Expected stream '%s' to have a last event but it is empty", this.streamId);
		}
		return new StoredEventAssert(this.actual.get(this.actual.size() - 1));
	}

	/**
	 * Assertions on the event at a version.
	 * @param version the version, from 1
	 * @return the assertions
	 */
	public StoredEventAssert event(long version) {
		if (version < 1 || version > this.actual.size()) {
			failWithMessage("Expected stream '%s' to have an event at version %d but it has %d events", this.streamId,
					version, this.actual.size());
		}
		return new StoredEventAssert(this.actual.get((int) version - 1));
	}

}
