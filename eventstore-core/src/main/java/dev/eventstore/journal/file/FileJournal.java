package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.Journal;
import dev.eventstore.journal.file.LineCodec.LineFormatException;
import org.jspecify.annotations.Nullable;

/**
 * A journal in one append-only NDJSON file (format in {@link LineCodec}), written by one
 * store at a time. An append is written with one write call and becomes readable only
 * once it is as durable as the {@link FsyncPolicy} promises; under
 * {@link FsyncPolicy#ALWAYS} concurrent appends share one fsync (group commit). A failed
 * write or fsync is cut off the file and rolled back in the index, so it leaves no trace.
 * On open, a torn or incomplete tail is cut off and a damaged line in the middle fails
 * the open.
 *
 * <p>
 * The file is guarded against a second writer by an OS lock on a sibling
 * {@code <name>.lock} file. The index (positions to file offsets, streams to positions)
 * stays in memory; event bodies are read from the file on demand.
 *
 * <p>
 * Thread-safe: appends are serialised by a write lock, fsyncs by a sync lock (taken after
 * the write lock when both are needed), reads run concurrently with positional reads.
 */
public final class FileJournal implements Journal {

	/**
	 * The interval {@link FsyncPolicy#INTERVAL} forces the file at unless told otherwise.
	 */
	public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(100);

	private static final System.Logger logger = System.getLogger(FileJournal.class.getName());

	/** Most events decoded from one read of the file. */
	private static final int READ_CHUNK = 1024;

	private final Path path;

	private final FsyncPolicy fsync;

	private final FileChannel lockChannel;

	private final FileLock fileLock;

	private final JournalWriter writer;

	private final JournalIndex index;

	private final LineCodec codec = new LineCodec();

	private volatile FileChannel readChannel;

	private final ReentrantLock writeLock = new ReentrantLock();

	/** Guarded by writeLock. */
	private long nextPosition;

	/** Guarded by writeLock. */
	private long writeOffset;

	/**
	 * Guarded by writeLock: a failed write left bytes the file could not yet be cut back
	 * from.
	 */
	private boolean needsTruncate;

	/** What has been written: read by the flusher without the write lock. */
	private volatile Mark written;

	private final ReentrantLock syncLock = new ReentrantLock();

	private final Condition syncDone = this.syncLock.newCondition();

	/** Guarded by syncLock. */
	private long durableOffset;

	/** Guarded by syncLock. */
	private boolean flushing;

	/**
	 * Guarded by writeLock and syncLock (either suffices to read): bumped by each
	 * rollback.
	 */
	private long epoch;

	/**
	 * Guarded by syncLock: {@code cutOffsets.get(e)} is where the rollback that ended
	 * epoch e cut the file.
	 */
	private final List<Long> cutOffsets = new ArrayList<>();

	private volatile @Nullable IOException lastSyncFailure;

	/** The last readable position. */
	private volatile long committed;

	private volatile boolean closed;

	private final @Nullable Thread intervalSyncer;

	private FileJournal(Path path, FsyncPolicy fsync, Duration interval, FileChannel lockChannel, FileLock fileLock,
			FileChannel readChannel, Recovery.Result recovered, JournalWriter writer) {
		this.path = path;
		this.fsync = fsync;
		this.lockChannel = lockChannel;
		this.fileLock = fileLock;
		this.readChannel = readChannel;
		this.index = recovered.index();
		this.writer = writer;
		this.nextPosition = recovered.lastPosition() + 1;
		this.writeOffset = recovered.keptEnd();
		this.durableOffset = recovered.keptEnd();
		this.written = new Mark(recovered.keptEnd(), recovered.lastPosition());
		this.committed = recovered.lastPosition();
		this.intervalSyncer = (fsync == FsyncPolicy.INTERVAL) ? startIntervalSyncer(interval) : null;
	}

	/**
	 * Opens (creating it and its directories if missing) and recovers a journal file.
	 * @param path the journal file
	 * @param fsync when to force writes to disk
	 * @param fsyncInterval how often {@link FsyncPolicy#INTERVAL} forces the file
	 * @return the open journal, holding the file's lock until closed
	 * @throws EventStoreException if the file is a directory, cannot be opened, or is
	 * locked by another store
	 * @throws JournalCorruptedException if the file holds a damaged line before valid
	 * ones
	 */
	public static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval) {
		return open(path, fsync, fsyncInterval, JournalWriter.RandomAccess::new);
	}

	static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval, JournalWriter.Opener opener) {
		if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
			throw new IllegalArgumentException("fsync interval must be positive, was " + fsyncInterval);
		}
		Path file = path.toAbsolutePath().normalize();
		if (Files.isDirectory(file)) {
			throw new EventStoreException("Cannot use " + file + " as a journal: it is a directory");
		}
		Path fileName = file.getFileName();
		Path directory = file.getParent();
		if (fileName == null || directory == null) {
			throw new EventStoreException("Cannot use " + file + " as a journal: it names no file");
		}
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new EventStoreException(
					"Cannot create the directory " + directory + " of journal " + file + ": " + ex, ex);
		}
		FileChannel lockChannel = openLockChannel(file);
		FileLock lock = acquireLock(file, lockChannel);
		List<AutoCloseable> opened = new ArrayList<>(List.of(lockChannel));
		try {
			boolean created = !Files.exists(file);
			FileChannel readChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			opened.add(readChannel);
			if (created) {
				syncDirectory(directory);
			}
			Recovery.Result recovered = Recovery.scan(file, readChannel);
			JournalWriter writer = opener.open(file, recovered.keptEnd());
			opened.add(writer);
			if (recovered.truncationReason() != null) {
				logger.log(Level.WARNING, "Journal {0}: cutting off {1} bytes after position {2}: {3}", file,
						recovered.fileSize() - recovered.keptEnd(), recovered.lastPosition(),
						recovered.truncationReason());
				writer.truncate(recovered.keptEnd());
				writer.sync();
			}
			return new FileJournal(file, fsync, fsyncInterval, lockChannel, lock, readChannel, recovered, writer);
		}
		catch (IOException ex) {
			closeQuietly(opened, ex);
			throw new EventStoreException("Cannot open journal " + file + ": " + ex, ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(opened, ex);
			throw ex;
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

	private static FileLock acquireLock(Path file, FileChannel lockChannel) {
		FileLock lock;
		try {
			lock = lockChannel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		catch (IOException ex) {
			closeQuietly(List.of(lockChannel), ex);
			throw new EventStoreException("Cannot lock journal " + file + ": " + ex, ex);
		}
		if (lock == null) {
			closeQuietly(List.of(lockChannel), null);
			throw new EventStoreException("Journal " + file + " is locked by another EventStore (in this or another "
					+ "process); only one store may write a journal at a time");
		}
		return lock;
	}

	private static void syncDirectory(Path directory) {
		try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (IOException ex) {
			// Some platforms cannot open a directory for sync; the file's own fsyncs
			// still hold.
			logger.log(Level.DEBUG, "Could not fsync directory " + directory, ex);
		}
	}

	private static void closeQuietly(List<? extends AutoCloseable> resources, @Nullable Throwable failure) {
		for (AutoCloseable resource : resources) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				if (failure != null) {
					failure.addSuppressed(ex);
				}
			}
		}
	}

	/** The journal file. */
	public Path path() {
		return this.path;
	}

	/** When the journal forces its writes to disk. */
	public FsyncPolicy fsyncPolicy() {
		return this.fsync;
	}

	/**
	 * The last fsync failure, if any; a failure under {@code ALWAYS} also rolled its
	 * appends back.
	 */
	public @Nullable IOException lastSyncFailure() {
		return this.lastSyncFailure;
	}

	@Override
	public List<StoredEvent> append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			Instant timestamp) {
		List<StoredEvent> stored = new ArrayList<>(events.size());
		long end;
		long appendEpoch;
		this.writeLock.lock();
		try {
			ensureOpen();
			repairIfNeeded();
			long version = this.index.streamVersion(streamId);
			if (!expected.matches(version)) {
				throw new ConcurrencyConflictException(streamId, expected, version);
			}
			long first = this.nextPosition;
			int[] lineStarts = this.codec.encode(streamId, first, version + 1, events, timestamp);
			long start = this.writeOffset;
			writeOrUndo(start);
			long[] starts = new long[lineStarts.length];
			for (int i = 0; i < starts.length; i++) {
				starts[i] = start + lineStarts[i];
			}
			end = start + this.codec.size();
			this.writeOffset = end;
			this.index.add(streamId, starts, end);
			long last = first + events.size() - 1;
			this.nextPosition = last + 1;
			this.written = new Mark(end, last);
			if (this.fsync != FsyncPolicy.ALWAYS) {
				this.committed = last;
			}
			appendEpoch = this.epoch;
			for (int i = 0; i < events.size(); i++) {
				NewEvent event = events.get(i);
				stored.add(new StoredEvent(first + i, streamId, version + 1 + i, event.type(), event.data(),
						event.metadata(), timestamp));
			}
		}
		finally {
			this.writeLock.unlock();
		}
		if (this.fsync == FsyncPolicy.ALWAYS) {
			awaitDurable(end, appendEpoch);
		}
		return stored;
	}

	private void writeOrUndo(long start) {
		try {
			this.writer.write(this.codec.bytes(), 0, this.codec.size());
		}
		catch (IOException ex) {
			try {
				this.writer.truncate(start);
			}
			catch (IOException truncateFailure) {
				this.needsTruncate = true;
				ex.addSuppressed(truncateFailure);
			}
			throw new EventStoreException("Could not append to journal " + this.path + " at byte offset " + start + ": "
					+ ex.getMessage() + "; nothing was stored", ex);
		}
	}

	private void repairIfNeeded() {
		if (!this.needsTruncate) {
			return;
		}
		try {
			this.writer.truncate(this.writeOffset);
			this.needsTruncate = false;
		}
		catch (IOException ex) {
			throw new EventStoreException(
					"Journal " + this.path + " still holds the bytes of a failed write after byte " + "offset "
							+ this.writeOffset + " and cannot cut them off: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Waits until the file is forced up to {@code end}, forcing it itself when no other
	 * thread is.
	 */
	private void awaitDurable(long end, long appendEpoch) {
		this.syncLock.lock();
		try {
			while (true) {
				// The first rollback after this append decides its fate: later ones cut
				// only beyond it.
				if (this.epoch != appendEpoch && this.cutOffsets.get((int) appendEpoch) < end) {
					throw new EventStoreException("Could not fsync journal " + this.path + ": "
							+ messageOf(this.lastSyncFailure) + "; the append was rolled back", this.lastSyncFailure);
				}
				if (this.durableOffset >= end) {
					return;
				}
				if (this.flushing) {
					this.syncDone.awaitUninterruptibly();
					continue;
				}
				if (this.closed) {
					throw new IllegalStateException(
							"Journal " + this.path + " was closed before the append was durable");
				}
				flushAsLeader(true);
			}
		}
		finally {
			this.syncLock.unlock();
		}
	}

	/**
	 * Forces everything written so far; called with syncLock held and no flush under way,
	 * returns with it held. The lock is released while forcing so that other appends can
	 * write and queue up behind this fsync.
	 * @param rollBackOnFailure whether unforced appends are to be cut off after a failure
	 * (they have not been acknowledged) or kept (they have)
	 * @return the failure, or null
	 */
	private @Nullable IOException flushAsLeader(boolean rollBackOnFailure) {
		this.flushing = true;
		Mark target = this.written;
		this.syncLock.unlock();
		IOException failure = null;
		try {
			this.writer.sync();
		}
		catch (IOException ex) {
			failure = ex;
		}
		if (failure != null && rollBackOnFailure) {
			rollBackUnsynced(failure);
		}
		this.syncLock.lock();
		this.flushing = false;
		if (failure == null) {
			if (target.offset() > this.durableOffset) {
				this.durableOffset = target.offset();
				if (target.position() > this.committed) {
					this.committed = target.position();
				}
			}
		}
		else {
			this.lastSyncFailure = failure;
			logger.log(Level.ERROR, "fsync of journal " + this.path + " failed"
					+ (rollBackOnFailure ? "; appends not yet durable were rolled back" : ""), failure);
		}
		this.syncDone.signalAll();
		return failure;
	}

	/**
	 * After a failed fsync nothing beyond the last durable offset can be trusted: cut it
	 * off.
	 */
	private void rollBackUnsynced(IOException failure) {
		this.writeLock.lock();
		try {
			long keepOffset;
			long keepPosition;
			this.syncLock.lock();
			try {
				keepOffset = this.durableOffset;
				keepPosition = this.committed;
			}
			finally {
				this.syncLock.unlock();
			}
			try {
				this.writer.truncate(keepOffset);
			}
			catch (IOException ex) {
				this.needsTruncate = true;
				failure.addSuppressed(ex);
			}
			this.index.truncate(keepPosition, keepOffset);
			this.writeOffset = keepOffset;
			this.nextPosition = keepPosition + 1;
			this.written = new Mark(keepOffset, keepPosition);
			this.syncLock.lock();
			try {
				this.lastSyncFailure = failure;
				this.cutOffsets.add(keepOffset);
				this.epoch++;
			}
			finally {
				this.syncLock.unlock();
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	/**
	 * Forces what is written, waiting for a flush under way first; keeps appends on
	 * failure.
	 */
	private @Nullable IOException flushNow() {
		this.syncLock.lock();
		try {
			while (this.flushing) {
				this.syncDone.awaitUninterruptibly();
			}
			if (this.written.offset() <= this.durableOffset) {
				return null;
			}
			return flushAsLeader(false);
		}
		finally {
			this.syncLock.unlock();
		}
	}

	private Thread startIntervalSyncer(Duration interval) {
		long nanos = interval.toNanos();
		Thread thread = new Thread(() -> {
			while (!this.closed) {
				this.syncLock.lock();
				try {
					this.syncDone.awaitNanos(nanos);
				}
				catch (InterruptedException ex) {
					return;
				}
				finally {
					this.syncLock.unlock();
				}
				if (!this.closed) {
					flushNow();
				}
			}
		}, "eventstore-fsync-" + this.path.getFileName());
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		ensureOpen();
		long[] positions = this.index.streamPositions(streamId, fromVersion, maxCount, this.committed);
		List<StoredEvent> events = new ArrayList<>(positions.length);
		long[] ranges = this.index.ranges(positions);
		int i = 0;
		while (i < positions.length) {
			// Read runs of adjacent lines with one call.
			int j = i;
			while (j + 1 < positions.length && ranges[2 * (j + 1)] == ranges[2 * j + 1] && j - i < READ_CHUNK) {
				j++;
			}
			long start = ranges[2 * i];
			byte[] bytes = read(start, (int) (ranges[2 * j + 1] - start));
			int lineStart = 0;
			for (int k = i; k <= j; k++) {
				int length = (int) (ranges[2 * k + 1] - ranges[2 * k]);
				events.add(decode(bytes, lineStart, length, start + lineStart, positions[k], fromVersion + k));
				lineStart += length;
			}
			i = j + 1;
		}
		return events;
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		ensureOpen();
		long last = Math.min(this.committed, fromPosition + maxCount - 1);
		List<StoredEvent> events = new ArrayList<>((int) Math.max(0, Math.min(READ_CHUNK, last - fromPosition + 1)));
		for (long from = fromPosition; from <= last; from += READ_CHUNK) {
			long to = Math.min(last, from + READ_CHUNK - 1);
			long[] range = this.index.range(from, to);
			byte[] bytes = read(range[0], (int) (range[1] - range[0]));
			int lineStart = 0;
			long position = from;
			while (position <= to) {
				int newline = lineStart;
				while (bytes[newline] != '\n') {
					newline++;
				}
				if (!isBlank(bytes, lineStart, newline)) {
					events.add(decode(bytes, lineStart, newline - lineStart + 1, range[0] + lineStart, position, -1));
					position++;
				}
				lineStart = newline + 1;
			}
		}
		return events;
	}

	private static boolean isBlank(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Decodes one line (its newline included) that the index says holds {@code position}.
	 */
	private StoredEvent decode(byte[] bytes, int offset, int lengthWithNewline, long fileOffset, long position,
			long knownVersion) {
		LineCodec.Decoded line;
		try {
			line = LineCodec.decodeEvent(bytes, offset, lengthWithNewline - 1);
		}
		catch (LineFormatException ex) {
			throw new JournalCorruptedException(this.path, 0, fileOffset,
					"the line of position " + position + " no longer reads back: " + ex.getMessage());
		}
		if (line.position() != position) {
			throw new JournalCorruptedException(this.path, 0, fileOffset,
					"expected position " + position + " but the line holds event_id " + line.position());
		}
		long version = (knownVersion > 0) ? knownVersion
				: (line.version() > 0) ? line.version() : this.index.versionOf(line.streamId(), position);
		return line.toEvent(version);
	}

	private byte[] read(long offset, int length) {
		byte[] bytes = new byte[length];
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		boolean interrupted = false;
		try {
			for (int attempt = 1;; attempt++) {
				FileChannel channel = this.readChannel;
				try {
					while (buffer.hasRemaining()) {
						if (channel.read(buffer, offset + buffer.position()) < 0) {
							throw new EventStoreException("Journal " + this.path + " ends before byte offset "
									+ (offset + length) + " that its index expects");
						}
					}
					return bytes;
				}
				catch (ClosedChannelException ex) {
					// An interrupted reader closes a FileChannel for everyone: reopen it
					// unless we are closing.
					ensureOpen();
					interrupted |= Thread.interrupted();
					if (attempt == 3) {
						throw new EventStoreException("Cannot read journal " + this.path + ": " + ex, ex);
					}
					reopenReadChannel(channel);
				}
				catch (IOException ex) {
					throw new EventStoreException(
							"Cannot read journal " + this.path + " at byte offset " + offset + ": " + ex, ex);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private synchronized void reopenReadChannel(FileChannel broken) {
		if (this.readChannel != broken) {
			return;
		}
		try {
			this.readChannel = FileChannel.open(this.path, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot reopen journal " + this.path + " for reading: " + ex, ex);
		}
	}

	@Override
	public long streamVersion(String streamId) {
		ensureOpen();
		return this.index.streamVersion(streamId, this.committed);
	}

	@Override
	public long lastPosition() {
		ensureOpen();
		return this.committed;
	}

	@Override
	public String location() {
		return this.path.toString();
	}

	@Override
	public long sizeBytes() {
		return this.written.offset();
	}

	@Override
	public java.util.Map<String, Object> details() {
		IOException syncFailure = this.lastSyncFailure;
		return (syncFailure != null) ? java.util.Map.of("fsync", this.fsync.name(), "lastSyncFailure",
				String.valueOf(syncFailure.getMessage())) : java.util.Map.of("fsync", this.fsync.name());
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("Journal " + this.path + " is closed");
		}
	}

	/**
	 * Forces what was written, releases the file lock and closes the file. Appends
	 * waiting for an fsync complete first.
	 */
	@Override
	public void close() {
		this.writeLock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		finally {
			this.writeLock.unlock();
		}
		if (this.intervalSyncer != null) {
			this.syncLock.lock();
			try {
				this.syncDone.signalAll();
			}
			finally {
				this.syncLock.unlock();
			}
			joinQuietly(this.intervalSyncer);
		}
		IOException failure = flushNow();
		List<AutoCloseable> resources = List.of(this.writer, this.readChannel, this.fileLock, this.lockChannel);
		if (failure != null) {
			closeQuietly(resources, failure);
			throw new EventStoreException("Could not fsync journal " + this.path + " on close: " + failure.getMessage(),
					failure);
		}
		EventStoreException closeFailure = new EventStoreException("Could not close journal " + this.path + " cleanly");
		closeQuietly(resources, closeFailure);
		if (closeFailure.getSuppressed().length > 0) {
			throw closeFailure;
		}
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String messageOf(@Nullable Throwable failure) {
		return (failure != null) ? String.valueOf(failure.getMessage()) : "unknown failure";
	}

	@Override
	public String toString() {
		return "FileJournal[" + this.path + ", fsync " + this.fsync + "]";
	}

	/**
	 * A point in the file: where the last written line ends and the position it holds.
	 */
	private record Mark(long offset, long position) {

	}

}
