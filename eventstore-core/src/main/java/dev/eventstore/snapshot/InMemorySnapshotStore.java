package dev.eventstore.snapshot;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest snapshot of each stream and state type, in a map. */
final class InMemorySnapshotStore implements SnapshotStore {

	private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

	@Override
	public Optional<Snapshot> load(String streamId, String stateType) {
		return Optional.ofNullable(this.snapshots.get(key(streamId, stateType)));
	}

	@Override
	public void save(Snapshot snapshot) {
		this.snapshots.merge(key(snapshot.streamId(), snapshot.stateType()), snapshot,
				(old, next) -> (next.version() > old.version() || !next.fingerprint().equals(old.fingerprint())) ? next
						: old);
	}

	private static String key(String streamId, String stateType) {
		return stateType + "\n" + streamId;
	}

}
