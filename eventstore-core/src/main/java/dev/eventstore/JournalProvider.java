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

	/** A new journal on the heap. */
	Journal inMemory();

}
