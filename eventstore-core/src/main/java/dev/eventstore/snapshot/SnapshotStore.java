package dev.eventstore.snapshot;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where snapshots are kept (SPI): the latest of each stream and state type. A snapshot is
 * an optimisation, never the truth: a store may lose one, and a reader that finds one
 * damaged reports it as {@link CorruptSnapshotException} and replays the stream.
 * Implementations are thread-safe.
 *
 * @since 0.2.0
 */
public interface SnapshotStore {

	/**
	 * The latest snapshot of a stream's state.
	 * @param streamId the stream
	 * @param stateType the name of the state's class
	 * @return the snapshot, empty when none was saved
	 * @throws CorruptSnapshotException if one is stored but cannot be read
	 */
	Optional<Snapshot> load(String streamId, String stateType);

	/**
	 * Saves a snapshot, replacing the one of the same stream and state type; a snapshot
	 * of a version not newer than the stored one of the same fingerprint is dropped (a
	 * snapshot of another fingerprint, from another shape of the class, is replaced).
	 * @param snapshot the snapshot
	 */
	void save(Snapshot snapshot);

	/** Snapshots on the heap, for tests and in-memory stores. */
	static SnapshotStore inMemory() {
		return new InMemorySnapshotStore();
	}

	/**
	 * Snapshots in a directory beside a journal file,
	 * {@code <journal file name>.snapshots}, one file for each stream and state type,
	 * replaced atomically.
	 * @param journal the journal file
	 * @return the store
	 */
	static SnapshotStore besideJournal(Path journal) {
		return new FileSnapshotStore(journal);
	}

}
