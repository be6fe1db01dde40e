package dev.eventstore;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens the journals that {@code EventStore.builder()} chooses by itself, so that the API
 * knows no journal implementation and the journal packages depend on the API, never the
 * other way round. Found with {@link java.util.ServiceLoader}; core registers the file
 * and in-memory journals.
 *
 * @since 0.2.0
 */
public interface JournalProvider {

	/**
	 * Opens (creating and recovering it if needed) a journal file.
	 * @param file the journal file
	 * @param fsync when to force writes to disk
	 * @param fsyncInterval how often {@link FsyncPolicy#INTERVAL} forces the file
	 * @return the open journal
	 */
	Journal open(Path file, FsyncPolicy fsync, Duration fsyncInterval);

	/**
	 * Opens (creating, converting or recovering it if needed) a segmented journal: a
	 * directory of segment files.
	 * @param path the journal's directory, or a single-file journal to convert
	 * @param fsync when to force writes to disk
	 * @param fsyncInterval how often {@link FsyncPolicy#INTERVAL} forces the file
	 * @param segmentSize the bytes a segment holds before it is sealed
	 * @return the open journal
	 * @throws UnsupportedOperationException if this provider has no segmented journal
	 * @since 0.2.0
	 */
	default Journal openSegmented(Path path, FsyncPolicy fsync, Duration fsyncInterval, long segmentSize) {
		throw new UnsupportedOperationException(getClass().getName() + " opens no segmented journal");
	}

	/** A new journal on the heap. */
	Journal inMemory();

}
