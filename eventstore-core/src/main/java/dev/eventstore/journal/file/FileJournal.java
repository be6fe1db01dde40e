package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.GroupCommitter;
import dev.eventstore.internal.IdTable;
import dev.eventstore.journal.support.Retries;
import dev.eventstore.Journal;
import org.jspecify.annotations.Nullable;

/**
 * A journal in one append-only NDJSON file (format in {@link LineFormat}), written by one
 * store at a time. Appends become readable only once they are as durable as the
 * {@link FsyncPolicy} promises. Concurrent appends are combined: each appender encodes
 * its events' bodies on its own thread, then whichever appender holds the write lock
 * checks the expected versions of all queued appends in order, writes their lines with
 * one write call and, under {@link FsyncPolicy#ALWAYS}, forces them with one fsync (group
 * commit). A failed write or fsync is cut off the file and fails every append of its
 * group, so it leaves no trace. On open, a torn or incomplete tail is cut off and a
 * damaged line in the middle fails the open.
 *
 * <p>
 * The file is guarded against a second writer by an OS lock on a sibling
 * {@code <name>.lock} file. The index (positions to file offsets, streams to positions)
 * stays in memory; event bodies are read from the file on demand.
 *
 * <p>
 * Thread-safe: the write lock guards the file's end and the index's growth; appenders
 * that find it taken queue and park, at most {@value #MAX_APPENDS_IN_FLIGHT} of them
 * under ALWAYS; reads run concurrently with positional reads; the interval syncer and
 * close force the file under a monitor of their own.
 *
 * @since 0.1.0
 */
public final class FileJournal implements Journal {

	/**
	 * The interval {@link FsyncPolicy#INTERVAL} forces the file at unless told otherwise.
	 */
	public static final Duration DEFAULT_FSYNC_INTERVAL = FsyncPolicy.DEFAULT_INTERVAL;

	private static final System.Logger logger = System.getLogger(FileJournal.class.getName());

	/**
	 * Most appends under {@link FsyncPolicy#ALWAYS} in flight at once. More threads than
	 * this gain nothing from a bigger group commit and only thrash the locks; the rest
	 * queue here, parked.
	 */
	static final int MAX_APPENDS_IN_FLIGHT = 64;

	private final java.util.concurrent.Semaphore appendPermits = new java.util.concurrent.Semaphore(
			MAX_APPENDS_IN_FLIGHT);

	/** Most appends written by one combiner call. */
	private static final int MAX_GROUP = 1024;

	private final Path path;

	private final FsyncPolicy fsync;

	/** The one-writer guarantee, held until closed. */
	private final JournalLock lock;

	private final JournalWriter writer;

	private final JournalIndex index;

	/** Guarded by the committer's lock: where each stored event id is. */
	private final IdTable ids;

	/** Guarded by the committer's lock: the buffer a group of appends is composed in. */
	private final LineEncoder codec = new LineEncoder();

	private final JournalReads reads;

	/**
	 * Writes queued appends in groups; its lock guards nextPosition, writeOffset,
	 * needsTruncate and the codec.
	 */
	private final GroupCommitter<Request> committer;

	/** Guarded by the committer's lock. */
	private long nextPosition;

	/** Guarded by the committer's lock. */
	private long writeOffset;

	/**
	 * Guarded by the committer's lock: a failed write left bytes the file could not yet
	 * be cut back from.
	 */
	private boolean needsTruncate;

	/** What has been written: read by the interval syncer without the write lock. */
	private volatile long writtenOffset;

	/** Serialises forces of the interval syncer and of close. */
	private final Object syncMonitor = new Object();

	private volatile @Nullable IOException lastSyncFailure;

	/** The last readable position. */
	private volatile long committed;

	private volatile boolean closed;

	private final @Nullable IntervalSyncer intervalSyncer;

	private FileJournal(Path path, FsyncPolicy fsync, Duration interval, JournalLock lock, FileChannel readChannel,
			Recovery.Result recovered, JournalWriter writer) {
		this.path = path;
		this.ids = recovered.ids();
		this.fsync = fsync;
		this.lock = lock;
		this.index = recovered.index();
		this.reads = new JournalReads(path, this.index, recovered.legacyEnd(), readChannel, recovered.keptEnd(),
				() -> this.writtenOffset, this::ensureOpen);
		this.writer = writer;
		this.nextPosition = recovered.lastPosition() + 1;
		this.writeOffset = recovered.keptEnd();
		this.writtenOffset = recovered.keptEnd();
		this.committed = recovered.lastPosition();
		// Without fsync a group completes in microseconds: waiting appenders spin before
		// parking.
		this.committer = new GroupCommitter<>(MAX_GROUP, (fsync == FsyncPolicy.ALWAYS) ? 0 : 2_000, (group) -> {
			ensureOpen();
			repairIfNeeded();
			writeGroup(group);
		});
		this.intervalSyncer = (fsync == FsyncPolicy.INTERVAL) ? new IntervalSyncer(path.getFileName().toString(),
				interval, () -> this.writtenOffset, () -> flushNow() == null) : null;
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
		JournalLock lock = JournalLock.acquire(file);
		List<AutoCloseable> opened = new ArrayList<>();
		opened.add(lock);
		file = lock.realPath();
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
				Path saved = CutBytes.save(file, readChannel, recovered.keptEnd(), recovered.fileSize());
				logger.log(Level.WARNING,
						"Journal {0}: cutting off {1} bytes after position {2}: {3}; they are saved in {4}", file,
						recovered.fileSize() - recovered.keptEnd(), recovered.lastPosition(),
						recovered.truncationReason(), saved);
				writer.truncate(recovered.keptEnd());
				writer.sync();
			}
			return new FileJournal(file, fsync, fsyncInterval, lock, readChannel, recovered, writer);
		}
		catch (IOException ex) {
			Resources.closeQuietly(opened, ex);
			throw new EventStoreException("Cannot open journal " + file + ": " + ex, ex);
		}
		catch (RuntimeException ex) {
			Resources.closeQuietly(opened, ex);
			throw ex;
		}
	}

	static void syncDirectory(Path directory) {
		try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (IOException ex) {
			// Some platforms cannot open a directory for sync; the file's own fsyncs
			// still hold.
			logger.log(Level.DEBUG, "Could not fsync directory " + directory, ex);
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
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		ensureOpen();
		Request request = new Request(streamId, events, expected, timestamp,
				LineEncoder.encodeBodies(streamId, events, timestamp));
		if (this.fsync != FsyncPolicy.ALWAYS) {
			return submit(request);
		}
		this.appendPermits.acquireUninterruptibly();
		try {
			return submit(request);
		}
		finally {
			this.appendPermits.release();
		}
	}

	private AppendResult submit(Request request) {
		this.committer.submit(request);
		return request.stored;
	}

	/**
	 * Checks each request's expected version in queue order, composes the lines of those
	 * that pass into one buffer, writes it with one call and, under ALWAYS, forces it.
	 * Only then are the events indexed and readable; a failed write or force is cut off
	 * the file and fails every request of the group, leaving no trace.
	 */
	private void writeGroup(List<Request> group) {
		this.codec.reset();
		long start = this.writeOffset;
		long position = this.nextPosition;
		Map<String, Long> versions = new HashMap<>();
		List<Request> written = new ArrayList<>(group.size());
		// Retries of requests written in this very group succeed or fail with them; the
		// ids of a group's earlier requests are only needed when there are any.
		List<Request> retriesInGroup = new ArrayList<>();
		Map<UUID, StoredEvent> groupIds = (group.size() > 1) ? new HashMap<>() : Map.of();
		for (Request request : group) {
			long version = versions.computeIfAbsent(request.streamId, this.index::streamVersion);
			List<StoredEvent> retried;
			try {
				retried = Retries.storedCopy(request.streamId, request.events, request.expected, version,
						(id) -> storedWithId(id, groupIds));
			}
			catch (EventStoreException ex) {
				request.fail(ex);
				continue;
			}
			if (retried != null) {
				request.stored = AppendResult.duplicate(retried);
				if (retried.get(0).position() >= this.nextPosition) {
					retriesInGroup.add(request);
				}
				else {
					request.succeeded();
				}
				continue;
			}
			if (!request.expected.matches(version)) {
				request.fail(new ConcurrencyConflictException(request.streamId, request.expected, version));
				continue;
			}
			request.lineStarts = this.codec.append(request.bodies, position, version + 1);
			request.end = this.codec.size();
			List<StoredEvent> stored = new ArrayList<>(request.events.size());
			for (int i = 0; i < request.events.size(); i++) {
				NewEvent event = request.events.get(i);
				StoredEvent storedEvent = StoredEvent.appended(position + i, request.streamId, version + 1 + i, event,
						request.timestamp);
				stored.add(storedEvent);
				if (group.size() > 1) {
					groupIds.put(event.id(), storedEvent);
				}
			}
			request.stored = AppendResult.stored(stored);
			position += request.events.size();
			versions.put(request.streamId, version + request.events.size());
			written.add(request);
		}
		if (written.isEmpty()) {
			return;
		}
		written.addAll(retriesInGroup);
		try {
			this.writer.write(this.codec.bytes(), 0, this.codec.size());
		}
		catch (IOException ex) {
			cutBack(start, ex);
			fail(written, new EventStoreException("Could not append to journal " + this.path + " at byte offset "
					+ start + ": " + ex.getMessage() + "; nothing was stored", ex));
			return;
		}
		if (this.fsync == FsyncPolicy.ALWAYS) {
			try {
				this.writer.sync();
			}
			catch (IOException ex) {
				// After a failed fsync the written bytes cannot be trusted to be on disk:
				// cut them off.
				cutBack(start, ex);
				this.lastSyncFailure = ex;
				logger.log(Level.ERROR, "fsync of journal " + this.path + " failed; its appends were rolled back", ex);
				fail(written, new EventStoreException("Could not fsync journal " + this.path + ": " + ex.getMessage()
						+ "; the append was rolled back", ex));
				return;
			}
		}
		for (Request request : written) {
			if (!request.stored.isDuplicate()) {
				long[] starts = new long[request.lineStarts.length];
				for (int i = 0; i < starts.length; i++) {
					starts[i] = start + request.lineStarts[i];
				}
				this.index.add(request.streamId, starts, start + request.end);
				for (StoredEvent event : request.stored) {
					this.ids.add(event.id(), event.position());
				}
			}
			request.succeeded();
		}
		this.nextPosition = position;
		this.writeOffset = start + this.codec.size();
		this.writtenOffset = this.writeOffset;
		this.committed = position - 1;
	}

	/**
	 * The stored event with an id: one written earlier in this group, or one the id table
	 * points at whose line holds that very id. Called under the write lock.
	 */
	private @Nullable StoredEvent storedWithId(UUID id, Map<UUID, StoredEvent> groupIds) {
		StoredEvent inGroup = groupIds.get(id);
		if (inGroup != null) {
			return inGroup;
		}
		StoredEvent[] found = new StoredEvent[1];
		this.ids.find(id, (position) -> {
			StoredEvent candidate = readAll(position, 1).get(0);
			found[0] = candidate;
			return candidate.id().equals(id);
		});
		return (found[0] != null && found[0].id().equals(id)) ? found[0] : null;
	}

	private static void fail(List<Request> requests, RuntimeException failure) {
		for (Request request : requests) {
			request.fail(failure);
		}
	}

	/**
	 * Removes the bytes of a group that failed, or marks them to be removed before the
	 * next write.
	 */
	private void cutBack(long start, IOException failure) {
		try {
			this.writer.truncate(start);
		}
		catch (IOException ex) {
			this.needsTruncate = true;
			failure.addSuppressed(ex);
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

	/** Forces what is written; keeps appends on failure (they were acknowledged). */
	private @Nullable IOException flushNow() {
		synchronized (this.syncMonitor) {
			try {
				this.writer.sync();
				return null;
			}
			catch (IOException ex) {
				this.lastSyncFailure = ex;
				logger.log(Level.ERROR, "fsync of journal " + this.path + " failed", ex);
				return ex;
			}
		}
	}

	/** One caller's append on its way through a group. */
	private static final class Request extends GroupCommitter.Request {

		final String streamId;

		final List<NewEvent> events;

		final ExpectedVersion expected;

		final Instant timestamp;

		final LineEncoder.Bodies bodies;

		int[] lineStarts = new int[0];

		int end;

		AppendResult stored = AppendResult.stored(List.of());

		Request(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp,
				LineEncoder.Bodies bodies) {
			this.streamId = streamId;
			this.events = events;
			this.expected = expected;
			this.timestamp = timestamp;
			this.bodies = bodies;
		}

	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		ensureOpen();
		return this.reads.readStream(streamId, fromVersion, maxCount, this.committed);
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		ensureOpen();
		return this.reads.readAll(fromPosition, maxCount, this.committed);
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		ensureOpen();
		dev.eventstore.journal.support.StreamPages page = new dev.eventstore.journal.support.StreamPages(prefix, after,
				limit);
		this.index.streamIds(page, this.committed);
		return page.page();
	}

	@Override
	public long streamCount() {
		ensureOpen();
		return this.index.streamCount();
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
		return this.writtenOffset;
	}

	@Override
	public java.util.Map<String, Object> details() {
		java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
		details.put("fsync", this.fsync.name());
		details.put("streams", this.index.streamCount());
		IOException syncFailure = this.lastSyncFailure;
		if (syncFailure != null) {
			details.put("lastSyncFailure", String.valueOf(syncFailure.getMessage()));
		}
		return details;
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("Journal " + this.path + " is closed");
		}
	}

	/**
	 * Forces what was written, releases the file lock and closes the file. Appends still
	 * queued fail with {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		this.committer.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		finally {
			this.committer.unlock();
		}
		this.committer.wakeAll();
		if (this.intervalSyncer != null) {
			this.intervalSyncer.close();
		}
		IOException failure = (this.fsync == FsyncPolicy.ALWAYS) ? null : flushNow();
		List<AutoCloseable> resources = List.of(this.reads, this.writer, this.lock);
		if (failure != null) {
			Resources.closeQuietly(resources, failure);
			throw new EventStoreException("Could not fsync journal " + this.path + " on close: " + failure.getMessage(),
					failure);
		}
		EventStoreException closeFailure = new EventStoreException("Could not close journal " + this.path + " cleanly");
		Resources.closeQuietly(resources, closeFailure);
		if (closeFailure.getSuppressed().length > 0) {
			throw closeFailure;
		}
	}

	@Override
	public String toString() {
		return "FileJournal[" + this.path + ", fsync " + this.fsync + "]";
	}

}
