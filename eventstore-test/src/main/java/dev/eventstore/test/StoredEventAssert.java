package dev.eventstore.test;

import java.util.Objects;

import dev.eventstore.StoredEvent;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on one stored event.
 *
 * @since 0.2.0
 */
public final class StoredEventAssert extends AbstractAssert<StoredEventAssert, StoredEvent> {

	StoredEventAssert(StoredEvent actual) {
		super(actual, StoredEventAssert.class);
	}

	/**
	 * Verifies the event holds this payload: the same type name, and data that reads back
	 * as an equal object.
	 * @param payload the expected payload (or a {@link dev.eventstore.NewEvent})
	 * @return this
	 */
	public StoredEventAssert hasPayload(Object payload) {
		isNotNull();
		String mismatch = Payloads.mismatch(this.actual, payload);
		if (mismatch != null) {
			failWithMessage("Expected %s to be %s but it has %s", Payloads.describe(this.actual), payload, mismatch);
		}
		return this;
	}

	/**
	 * Verifies the event's type name.
	 * @param type the type name
	 * @return this
	 */
	public StoredEventAssert hasType(String type) {
		isNotNull();
		if (!this.actual.type().equals(type)) {
			failWithMessage("Expected %s to be of type '%s'", Payloads.describe(this.actual), type);
		}
		return this;
	}

	/**
	 * Verifies the event's stream and version.
	 * @param streamId the stream
	 * @param version the version in it
	 * @return this
	 */
	public StoredEventAssert isAt(String streamId, long version) {
		isNotNull();
		if (!this.actual.streamId().equals(streamId) || this.actual.version() != version) {
			failWithMessage("Expected %s to be at %s@%d", Payloads.describe(this.actual), streamId, version);
		}
		return this;
	}

	/**
	 * Verifies the event's metadata has an entry.
	 * @param key the key
	 * @param value the value
	 * @return this
	 */
	public StoredEventAssert hasMetadataEntry(String key, @Nullable Object value) {
		isNotNull();
		if (!this.actual.metadata().containsKey(key) || !Objects.equals(this.actual.metadata().get(key), value)) {
			failWithMessage("Expected %s to have metadata %s=%s but its metadata is %s", Payloads.describe(this.actual),
					key, value, this.actual.metadata());
		}
		return this;
	}

}
