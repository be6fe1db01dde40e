package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

import dev.eventstore.EventStoreException;
import org.jspecify.annotations.Nullable;

/**
 * The writer of the file being written, and what keeps it whole: a failed write or force
 * is cut off the file (or marked to be cut before the next write), and forces from the
 * appending groups, the interval syncer, sealing and close are serialised. Writes are
 * guarded by the journal's write lock; forces and the swap to the next segment's writer
 * by a monitor of their own.
 */
final class ActiveWriter {

	private static final System.Logger logger = System.getLogger(ActiveWriter.class.getName());

	/** The journal, for messages. */
	private final Path journal;

	/** Serialises forces and the swap to another writer. */
	private final Object syncMonitor = new Object();

	/** Guarded by the journal's write lock and, for swaps, by the sync monitor. */
	private JournalWriter writer;

	/**
	 * Guarded by the journal's write lock: a failed write left bytes the file could not
	 * yet be cut back from.
	 */
	private boolean needsTruncate;

	private volatile @Nullable IOException lastSyncFailure;

	ActiveWriter(Path journal, JournalWriter writer) {
		this.journal = journal;
		this.writer = writer;
	}

	/**
	 * Writes bytes at the file's end, {@code start}; a failure cuts them off again.
	 * @throws IOException if the write failed (nothing of it is left)
	 */
	void write(byte[] bytes, int length, long start) throws IOException {
		try {
			this.writer.write(bytes, 0, length);
		}
		catch (IOException ex) {
			cutBack(start, ex);
			throw ex;
		}
	}

	/**
	 * Forces what was written since {@code start} for a group that waits for it; a
	 * failure cuts it off, since the bytes cannot be trusted to be on disk.
	 * @throws IOException if the force failed (the group's bytes are cut off)
	 */
	void forceGroup(long start) throws IOException {
		try {
			this.writer.sync();
		}
		catch (IOException ex) {
			cutBack(start, ex);
			this.lastSyncFailure = ex;
			logger.log(Level.ERROR, "fsync of journal " + this.journal + " failed; its appends were rolled back", ex);
			throw ex;
		}
	}

	/**
	 * Forces what is written, keeping the appends on failure (they were acknowledged).
	 * @return the failure, or null
	 */
	@Nullable IOException flush() {
		synchronized (this.syncMonitor) {
			try {
				this.writer.sync();
				return null;
			}
			catch (IOException ex) {
				this.lastSyncFailure = ex;
				logger.log(Level.ERROR, "fsync of journal " + this.journal + " failed", ex);
				return ex;
			}
		}
	}

	/** Forces what is written, for sealing: a failure leaves the segment unsealed. */
	void forceForSeal() throws IOException {
		synchronized (this.syncMonitor) {
			this.writer.sync();
		}
	}

	/** Writes from now on go through another writer; returns the one replaced. */
	JournalWriter replace(JournalWriter next) {
		synchronized (this.syncMonitor) {
			JournalWriter previous = this.writer;
			this.writer = next;
			return previous;
		}
	}

	/** Cuts off what a failed write left, before the next write at {@code end}. */
	void repairIfNeeded(long end) {
		if (!this.needsTruncate) {
			return;
		}
		try {
			this.writer.truncate(end);
			this.needsTruncate = false;
		}
		catch (IOException ex) {
			throw new EventStoreException("Journal " + this.journal + " still holds the bytes of a failed write after "
					+ "byte offset " + end + " and cannot cut them off: " + ex.getMessage(), ex);
		}
	}

	private void cutBack(long start, IOException failure) {
		try {
			this.writer.truncate(start);
		}
		catch (IOException ex) {
			this.needsTruncate = true;
			failure.addSuppressed(ex);
		}
	}

	/** The last force that failed, if any. */
	@Nullable IOException lastSyncFailure() {
		return this.lastSyncFailure;
	}

	/** The writer, to close. */
	JournalWriter writer() {
		return this.writer;
	}

}
