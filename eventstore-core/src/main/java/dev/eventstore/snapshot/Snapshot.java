package dev.eventstore.snapshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * A saved state of one stream, as a {@link SnapshotStore} keeps it.
 *
 * @param streamId the stream
 * @param stateType the name of the state's class
 * @param version the stream version the state covers: events up to it are in it
 * @param fingerprint the state class's shape and revision when it was saved
 * @param state the state, as JSON
 * @since 0.2.0
 */
public record Snapshot(String streamId, String stateType, long version, String fingerprint, byte[] state) {

	public Snapshot {
		Objects.requireNonNull(streamId, "streamId");
		Objects.requireNonNull(stateType, "stateType");
		Objects.requireNonNull(fingerprint, "fingerprint");
		Objects.requireNonNull(state, "state");
		if (version < 1) {
			throw new IllegalArgumentException("A snapshot covers at least version 1, was " + version);
		}
		state = state.clone();
	}

	@Override
	public byte[] state() {
		return this.state.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Snapshot that && this.streamId.equals(that.streamId)
				&& this.stateType.equals(that.stateType) && this.version == that.version
				&& this.fingerprint.equals(that.fingerprint) && Arrays.equals(this.state, that.state);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.streamId, this.stateType, this.version, this.fingerprint) * 31
				+ Arrays.hashCode(this.state);
	}

	@Override
	public String toString() {
		return "Snapshot[" + this.streamId + " of " + this.stateType + " at version " + this.version + "]";
	}

}
