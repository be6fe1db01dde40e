package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstore.EventStoreException;

/**
 * The journals open in this process, by real path. On Linux, closing any descriptor of a
 * file releases every POSIX lock the process holds on it; a second open of a journal in
 * the same process must therefore be refused before it touches the lock file, or its
 * refusal would release the first store's lock and let another process write the journal
 * too. Thread-safe.
 */
final class OpenJournals {

	private static final Set<Path> open = ConcurrentHashMap.newKeySet();

	private OpenJournals() {
	}

	/**
	 * Claims a journal for one store of this process.
	 * @param realPath the journal's real path (links resolved)
	 * @param shown the path as the caller gave it, for the message
	 * @throws EventStoreException if a store of this process has it open
	 */
	static void claim(Path realPath, Path shown) {
		if (!open.add(realPath)) {
			throw new EventStoreException("Journal " + shown + " is locked by another EventStore (in this or another "
					+ "process); only one store may write a journal at a time"
					+ (realPath.equals(shown) ? "" : " (it is " + realPath + ")"));
		}
	}

	/**
	 * Gives a journal up, once its store has closed its lock file.
	 * @param realPath the path given to {@link #claim}
	 */
	static void release(Path realPath) {
		open.remove(realPath);
	}

}
