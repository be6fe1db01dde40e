package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

import dev.eventstore.EventStoreException;

/**
 * The one-writer guarantee of a journal file: a claim in this process's
 * {@link OpenJournals} registry, taken first so that a refused second open never touches
 * the lock file (closing any descriptor of a file drops the process's OS lock on it),
 * then an OS lock on the sibling {@code <name>.lock} file, which excludes other processes
 * and is released even when the process is killed. Both are keyed by the journal's real
 * path, so two names of one file share them.
 */
final class JournalLock implements AutoCloseable {

	private final Path realPath;

	private final FileChannel channel;

	private final FileLock lock;

	private JournalLock(Path realPath, FileChannel channel, FileLock lock) {
		this.realPath = realPath;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Claims and locks a journal file.
	 * @param file the journal file, absolute and normalised
	 * @return the lock, held until closed
	 * @throws EventStoreException if the path cannot be resolved or locked, or another
	 * store holds it
	 */
	static JournalLock acquire(Path file) {
		Segments.refuseInsideSegmentedJournal(file);
		Path realPath = realPath(file);
		Segments.refuseInsideSegmentedJournal(realPath);
		OpenJournals.claim(realPath, file);
		FileChannel channel = null;
		try {
			channel = openLockChannel(realPath);
			JournalLock lock = new JournalLock(realPath, channel, lock(file, channel));
			// Checked with the lock held: a name linked after this check is refused by
			// the store that opens it, as it then sees two names.
			refuseSecondName(realPath);
			return lock;
		}
		catch (RuntimeException ex) {
			if (channel != null) {
				Resources.closeQuietly(List.of(channel), ex);
			}
			OpenJournals.release(realPath);
			throw ex;
		}
	}

	/**
	 * Refuses a journal file with more than one name (hard links): the lock file is kept
	 * beside a name, so a store opening each name would hold a lock of its own and both
	 * would write the file. With one name, the lock beside it belongs to the file.
	 * @param file a journal file (or segment being written), links resolved
	 * @throws EventStoreException if the file has another name
	 */
	static void refuseSecondName(Path file) {
		int links;
		try {
			if (!Files.isRegularFile(file)) {
				return;
			}
			links = (Integer) Files.getAttribute(file, "unix:nlink");
		}
		catch (UnsupportedOperationException | IllegalArgumentException ex) {
			// No link counts on this file system (not POSIX): hard links cannot be seen.
			return;
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot read the link count of journal " + file + ": " + ex, ex);
		}
		if (links > 1) {
			throw new EventStoreException("Journal " + file + " has " + links + " names (hard links): a store "
					+ "opening another name would not see this one's lock and would write the same file; remove the "
					+ "other names (find them with: find / -samefile " + file + ") or copy the file instead of "
					+ "linking it");
		}
	}

	/** The journal's path with every link resolved. */
	Path realPath() {
		return this.realPath;
	}

	private static Path realPath(Path file) {
		Path directory = file.getParent();
		try {
			return Files.exists(file) ? file.toRealPath()
					: directory.toRealPath().resolve(Objects.requireNonNull(file.getFileName()));
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot resolve the journal path " + file + ": " + ex, ex);
		}
	}

	private static FileChannel openLockChannel(Path file) {
		Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
		try {
			return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot open the lock file " + lockFile + " of journal " + file + ": " + ex,
					ex);
		}
	}

	private static FileLock lock(Path file, FileChannel channel) {
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot lock journal " + file + ": " + ex, ex);
		}
		if (lock == null) {
			throw new EventStoreException("Journal " + file + " is locked by another EventStore (in this or another "
					+ "process); only one store may write a journal at a time");
		}
		return lock;
	}

	/** Releases the OS lock, closes the lock file and gives up the claim. */
	@Override
	public void close() throws IOException {
		try {
			this.lock.release();
		}
		finally {
			try {
				this.channel.close();
			}
			finally {
				OpenJournals.release(this.realPath);
			}
		}
	}

}
