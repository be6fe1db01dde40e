package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendResult;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.Journal;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.IdTable;
import dev.eventstore.journal.support.GroupCommitter;
import org.jspecify.annotations.Nullable;

/**
 * A journal in append-only NDJSON (format in {@link LineFormat}): one file, or a
 * directory of segments (see below), written by one store at a time. Appends become
 * readable only once they are as durable as the {@link FsyncPolicy} promises. Concurrent
 * appends are combined: each appender encodes its events' bodies on its own thread, then
 * whichever appender holds the write lock checks the expected versions of all queued
 * appends in order, writes their lines with one write call and, under
 * {@link FsyncPolicy#ALWAYS}, forces them with one fsync (group commit). A failed write
 * or fsync is cut off the file and fails every append of its group, so it leaves no
 * trace. On open, a torn or incomplete tail is cut off and a damaged line in the middle
 * fails the open.
 *
 * <p>
 * The journal is guarded against a second writer by an OS lock on a sibling
 * {@code <name>.lock} file. In a single file, the index (positions to file offsets,
 * streams to positions) stays in memory; event bodies are read from the file on demand.
 *
 * <p>
 * <b>Segmented.</b> Opened with a segment size (or on a directory), the journal is a
 * directory of segment files named by their first position, each the same NDJSON. Only
 * the last one is written; once it holds the segment size it is sealed at the end of a
 * group of appends: forced, given an on-disk index (line offsets, each stream's
 * positions, its event ids; checksummed, memory-mapped when read) and followed by a new
 * empty segment. Opening scans only the last segment, and the heap holds only its index
 * and one entry per stream, so opening time and heap do not grow with history. A single
 * file opened with a segment size is first converted (kept as a backup beside it).
 * Batches never span segments.
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

	/** The segment size of a segmented journal opened without one: 64 MiB. */
	public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;

	/** The largest segment size: 1 GiB, the reach of one memory map. */
	public static final long MAX_SEGMENT_SIZE = 1L << 30;

	/**
	 * Most appends under {@link FsyncPolicy#ALWAYS} in flight at once. More threads than
	 * this gain nothing from a bigger group commit and only thrash the locks; the rest
	 * queue here, parked.
	 */
	static final int MAX_APPENDS_IN_FLIGHT = 64;

	private final Semaphore appendPermits = new Semaphore(MAX_APPENDS_IN_FLIGHT);

	/**
	 * How long an appender waiting for a group without fsync yields its processor before
	 * it parks: long enough for its turn to come round among many runnable threads (64
	 * appenders of a few microseconds each on 2 cores: a fraction of a millisecond),
	 * short enough that a stalled disk soon leaves the waiters parked. A tenth of it and
	 * five times it measured the same (docs/performance.md, the INTERVAL 64-thread row).
	 */
	private static final Duration YIELD_BEFORE_PARKING = Duration.ofMillis(1);

	/** Most appends written by one combiner call. */
	private static final int MAX_GROUP = 1024;

	private final Path path;

	/** The directory of a segmented journal; null for a single file. */
	private final @Nullable Path directory;

	/** Seal the written segment once it holds this many bytes; 0 for a single file. */
	private final long segmentSize;

	private final FsyncPolicy fsync;

	/** The one-writer guarantee, held until closed. */
	private final JournalLock lock;

	/** The types and tags index, built on the first query or conditional append. */
	private final JournalQueries queries;

	/** The writer of the file being written. */
	private final ActiveWriter active;

	/** Seals a full segment and starts the next; null for a single file. */
	private final @Nullable SegmentRoller roller;

	/** The file being written, its index and reads, and the sealed segments before it. */
	private volatile JournalLayout layout;

	/** Guarded by the committer's lock: where each event id of the written file is. */
	private IdTable ids;

	/** Guarded by the committer's lock: the file being written. */
	private Path activePath;

	/** Guarded by the committer's lock: its leading lines of the original format. */
	private long activeLegacyEnd;

	/** A segmented journal's summary and id filter, kept up to date in the background. */
	private final @Nullable SideFiles sideFiles;

	/** Guarded by the committer's lock: seal the written file once it is this long. */
	private long sealAt;

	/** The bytes of the sealed segments. */
	private volatile long sealedBytes;

	/** Reads the event at a position: a retry's candidate, confirmed by its line. */
	private final LongFunction<StoredEvent> readOne = (position) -> readAll(position, 1).get(0);

	/** The events stream reads decoded lately, shared by every file of the journal. */
	private final DecodedEvents decoded;

	/**
	 * Guarded by the committer's lock: checks a group's requests and composes its lines.
	 */
	private final GroupComposer composer = new GroupComposer();

	/**
	 * Writes queued appends in groups; its lock guards nextPosition, writeOffset,
	 * needsTruncate and the composer.
	 */
	private final GroupCommitter<AppendRequest> committer;

	/** Guarded by the committer's lock. */
	private long nextPosition;

	/** Guarded by the committer's lock. */
	private long writeOffset;

	/** What has been written: read by the interval syncer without the write lock. */
	private volatile long writtenOffset;

	/** The last readable position. */
	private volatile long committed;

	/** Set once closed; segment files opened before the journal check it too. */
	private final AtomicBoolean closedFlag;

	private final @Nullable IntervalSyncer intervalSyncer;

	FileJournal(Path path, @Nullable Path directory, long segmentSize, FsyncPolicy fsync, Duration interval,
			JournalLock lock, JournalWriter.Opener opener, JournalOpening opened) {
		this.path = path;
		this.directory = directory;
		this.segmentSize = segmentSize;
		this.fsync = fsync;
		this.lock = lock;
		this.decoded = opened.decoded;
		this.closedFlag = opened.closed;
		Recovery.Result recovered = opened.recovered;
		this.ids = recovered.ids();
		this.activePath = opened.activePath;
		this.activeLegacyEnd = recovered.legacyEnd();
		this.sideFiles = (opened.filter != null) ? new SideFiles(path, opened.filter, opened.sealed) : null;
		this.sealedBytes = opened.sealed.bytes();
		SegmentFile file = new SegmentFile(opened.activePath, opened.readChannel, recovered.keptEnd(),
				this::ensureOpen);
		this.layout = new JournalLayout(opened.sealed, recovered.index(), file,
				new JournalReads(file, recovered.index(), recovered.legacyEnd(), this.decoded));
		this.active = new ActiveWriter(path, opened.writer);
		this.roller = (directory != null) ? new SegmentRoller(directory, fsync, opener, this.decoded, this::ensureOpen)
				: null;
		this.nextPosition = recovered.lastPosition() + 1;
		this.writeOffset = recovered.keptEnd();
		this.writtenOffset = recovered.keptEnd();
		this.committed = recovered.lastPosition();
		this.sealAt = (segmentSize > 0) ? segmentSize : Long.MAX_VALUE;
		// Without fsync a group completes in microseconds: waiting appenders yield before
		// parking.
		this.committer = new GroupCommitter<>(MAX_GROUP,
				(fsync == FsyncPolicy.ALWAYS) ? Duration.ZERO : YIELD_BEFORE_PARKING, this::commit);
		this.queries = new JournalQueries(this, () -> this.committed, this::underWriteLock);
		this.intervalSyncer = IntervalSyncer.forJournal(path, fsync, interval, segmentSize,
				() -> this.sealedBytes + this.writtenOffset, () -> this.active.flush() == null);
	}

	private void underWriteLock(Runnable work) {
		this.committer.lock();
		try {
			work.run();
		}
		finally {
			this.committer.unlock();
		}
	}

	/** Writes one group of queued appends, then seals the segment if it is full. */
	private void commit(List<AppendRequest> group) {
		ensureOpen();
		this.active.repairIfNeeded(this.writeOffset);
		long before = this.writeOffset;
		writeGroup(group);
		if (this.writeOffset >= this.sealAt) {
			seal();
		}
		else if (this.intervalSyncer != null) {
			this.intervalSyncer.written(before, this.writeOffset);
		}
	}

	/**
	 * Opens (creating it and its directories if missing) and recovers a journal: a single
	 * file, or a segmented journal's directory.
	 * @param path the journal file, or the directory of a segmented journal
	 * @param fsync when to force writes to disk
	 * @param fsyncInterval how often {@link FsyncPolicy#INTERVAL} forces the file
	 * @return the open journal, holding the journal's lock until closed
	 * @throws EventStoreException if the journal cannot be opened, or is locked by
	 * another store
	 * @throws JournalCorruptedException if the journal holds a damaged line before valid
	 * ones
	 */
	public static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval) {
		return open(path, fsync, fsyncInterval, 0, JournalWriter.RandomAccess::new);
	}

	/**
	 * Opens (creating it if missing) and recovers a segmented journal: a directory of
	 * segment files of about {@code segmentSize} bytes. A single-file journal at the path
	 * is converted first: its segments are written beside it, then the file is moved to
	 * {@code <name>.single-file-<time>} (a backup to delete once the journal is trusted)
	 * and the directory takes its name; a crash at any point leaves one of the two.
	 * @param path the journal's directory (or single file to convert)
	 * @param fsync when to force writes to disk
	 * @param fsyncInterval how often {@link FsyncPolicy#INTERVAL} forces the file
	 * @param segmentSize the bytes a segment holds before it is sealed, 1 to
	 * {@value #MAX_SEGMENT_SIZE}; {@link #DEFAULT_SEGMENT_SIZE} suits most
	 * @return the open journal, holding the journal's lock until closed
	 * @throws IllegalArgumentException if the segment size is out of range
	 * @throws EventStoreException if the journal cannot be opened, or is locked by
	 * another store
	 * @throws JournalCorruptedException if a segment is damaged other than by a crash
	 * mid-write of the last one
	 * @since 0.2.0
	 */
	public static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval, long segmentSize) {
		if (segmentSize < 1 || segmentSize > MAX_SEGMENT_SIZE) {
			throw new IllegalArgumentException(
					"segment size must be 1 byte to " + MAX_SEGMENT_SIZE + " bytes (1 GiB), was " + segmentSize);
		}
		return open(path, fsync, fsyncInterval, segmentSize, JournalWriter.RandomAccess::new);
	}

	static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval, JournalWriter.Opener opener) {
		return open(path, fsync, fsyncInterval, 0, opener);
	}

	/**
	 * @param segmentSize 0 for a single file unless the path is a segmented journal's
	 * directory
	 */
	static FileJournal open(Path path, FsyncPolicy fsync, Duration fsyncInterval, long segmentSize,
			JournalWriter.Opener opener) {
		return JournalOpening.openJournal(path, fsync, fsyncInterval, segmentSize, opener);
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
		return this.active.lastSyncFailure();
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		return append(streamId, events, expected, null, timestamp);
	}

	/**
	 * Appends under a condition, checked by the group's writer in queue order against the
	 * types and tags index and the group's earlier requests ({@link GroupComposer}): no
	 * other append can come between the check and the write.
	 */
	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp) {
		ensureOpen();
		if (condition != null) {
			// Built before the request queues: the group's writer only reads it.
			this.queries.index();
		}
		AppendRequest request = new AppendRequest(streamId, events, expected, condition, timestamp,
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

	private AppendResult submit(AppendRequest request) {
		this.committer.submit(request);
		return request.stored;
	}

	/**
	 * Checks each request's expected version in queue order, composes the lines of those
	 * that pass into one buffer, writes it with one call and, under ALWAYS, forces it.
	 * Only then are the events indexed and readable; a failed write or force is cut off
	 * the file and fails every request of the group, leaving no trace.
	 */
	private void writeGroup(List<AppendRequest> group) {
		long start = this.writeOffset;
		JournalLayout current = this.layout;
		GroupComposer composer = this.composer;
		long position = composer.compose(group, current.index(), this.nextPosition, this::storedWithId,
				this.queries.built());
		List<AppendRequest> written = composer.written();
		if (written.isEmpty()) {
			return;
		}
		try {
			this.active.write(composer.bytes(), composer.size(), start);
		}
		catch (IOException ex) {
			fail(written, new EventStoreException("Could not append to journal " + this.path + " at byte offset "
					+ start + ": " + ex.getMessage() + "; nothing was stored", ex));
			return;
		}
		if (this.fsync == FsyncPolicy.ALWAYS) {
			try {
				this.active.forceGroup(start);
			}
			catch (IOException ex) {
				fail(written, new EventStoreException("Could not fsync journal " + this.path + ": " + ex.getMessage()
						+ "; the append was rolled back", ex));
				return;
			}
		}
		composer.indexWritten(start, current.index(), this.ids, this.decoded, this.queries.built());
		this.nextPosition = position;
		this.writeOffset = start + composer.size();
		current.file().written(this.writeOffset);
		this.writtenOffset = this.writeOffset;
		this.committed = position - 1;
	}

	/** Seals the last segment if a crash left it full but not sealed; at open only. */
	void sealIfFull() {
		if (this.segmentSize > 0 && this.writeOffset >= this.segmentSize) {
			this.committer.lock();
			try {
				seal();
			}
			finally {
				this.committer.unlock();
			}
		}
	}

	/**
	 * Seals the file being written once it holds the segment size and starts the next
	 * segment ({@link SegmentRoller}), then records the sealed segment in the streams'
	 * summary and the id filter. A failure leaves the segment being written, and sealing
	 * is tried again after another segment size.
	 */
	private void seal() {
		JournalLayout current = this.layout;
		SegmentRoller.Rolled rolled = Objects.requireNonNull(this.roller)
			.roll(new SegmentRoller.Active(current, this.ids, this.activePath, this.activeLegacyEnd, this.writeOffset,
					this.nextPosition), this.active);
		if (rolled == null) {
			this.sealAt = this.writeOffset + this.segmentSize;
			return;
		}
		this.sealedBytes += this.writeOffset;
		this.ids = rolled.ids();
		this.activePath = rolled.path();
		this.activeLegacyEnd = 0;
		this.writeOffset = 0;
		this.writtenOffset = 0;
		this.sealAt = this.segmentSize;
		this.layout = rolled.layout();
		// Rebuilt or completed on open if this does not get through.
		if (this.sideFiles != null) {
			this.sideFiles.sealed(rolled.layout().sealed());
		}
	}

	/**
	 * The stored event with an id, if any: one written earlier in this group, in the file
	 * being written, or in a sealed segment ({@link StoredIds}).
	 */
	private @Nullable StoredEvent storedWithId(UUID id, Map<UUID, StoredEvent> groupIds) {
		IdFilter sealedIds = (this.sideFiles != null) ? this.sideFiles.filter() : null;
		return StoredIds.find(id, groupIds, this.ids, this.layout.sealed(), sealedIds, this.readOne);
	}

	private static void fail(List<AppendRequest> requests, RuntimeException failure) {
		for (AppendRequest request : requests) {
			request.fail(failure);
		}
	}

	// Reads take the committed position before the layout: a layout is published
	// before any position of its new segment commits, so it always holds them all.

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		ensureOpen();
		return this.queries.read(query, fromPosition, maxCount, this.committed);
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		ensureOpen();
		long committed = this.committed;
		return this.layout.readStream(streamId, fromVersion, maxCount, committed);
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		ensureOpen();
		long committed = this.committed;
		return this.layout.readAll(fromPosition, maxCount, committed);
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		ensureOpen();
		long committed = this.committed;
		return this.layout.streamIds(prefix, after, limit, committed);
	}

	@Override
	public long streamCount() {
		ensureOpen();
		return this.layout.streamCount();
	}

	@Override
	public long streamVersion(String streamId) {
		ensureOpen();
		long committed = this.committed;
		return this.layout.streamVersion(streamId, committed);
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
		return this.sealedBytes + this.writtenOffset;
	}

	/**
	 * Events whose line offsets are on the heap: those of the file being written, for a
	 * segmented journal only its last segment.
	 */
	long eventsIndexedOnHeap() {
		return this.layout.index().count();
	}

	/** The side files' keeper of a segmented journal. */
	@Nullable SideFiles sideFiles() {
		return this.sideFiles;
	}

	/** Sealed segments, 0 for a single file. */
	int sealedSegments() {
		return this.layout.sealed().count();
	}

	/** Whether the journal is a directory of segments. */
	public boolean segmented() {
		return this.directory != null;
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("fsync", this.fsync.name());
		details.put("streams", this.layout.streamCount());
		if (this.directory != null) {
			details.put("segments", this.layout.sealed().count() + 1);
			details.put("segmentSize", this.segmentSize);
		}
		IOException syncFailure = this.active.lastSyncFailure();
		if (syncFailure != null) {
			details.put("lastSyncFailure", String.valueOf(syncFailure.getMessage()));
		}
		return details;
	}

	private void ensureOpen() {
		JournalOpening.ensureOpen(this.closedFlag, this.path);
	}

	/**
	 * Forces what was written, releases the file lock and closes the file. Appends still
	 * queued fail with {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		this.committer.lock();
		try {
			if (this.closedFlag.get()) {
				return;
			}
			this.closedFlag.set(true);
		}
		finally {
			this.committer.unlock();
		}
		this.committer.wakeAll();
		if (this.intervalSyncer != null) {
			this.intervalSyncer.close();
		}
		IOException failure = (this.fsync == FsyncPolicy.ALWAYS) ? null : this.active.flush();
		List<AutoCloseable> resources = new ArrayList<>();
		JournalLayout current = this.layout;
		current.sealed().close(resources);
		resources.add(current.file());
		resources.add(this.active.writer());
		if (this.sideFiles != null) {
			resources.add(this.sideFiles);
		}
		resources.add(this.lock);
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
		return "FileJournal[" + this.path + ", fsync " + this.fsync
				+ ((this.directory != null) ? ", segments of " + this.segmentSize + " bytes" : "") + "]";
	}

}
