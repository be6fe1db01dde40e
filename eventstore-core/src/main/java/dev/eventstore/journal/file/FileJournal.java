package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

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

	/**
	 * A clean close seals a last segment of at least this many bytes, so that the next
	 * open scans none of it; a smaller one scans quickly (docs/performance.md). Restarts
	 * leave segments of at least this size.
	 */
	static final long SEAL_AT_CLOSE_BYTES = 1L << 20;

	/**
	 * A clean close of a single file of at least this many bytes records its index
	 * ({@link IndexAtClose}) so that the next open loads it instead of scanning the file;
	 * a smaller file scans as quickly.
	 */
	static final long INDEX_AT_CLOSE_BYTES = SEAL_AT_CLOSE_BYTES;

	/** The write side: the file being written, its groups, the roll to the next. */
	private final GroupWriter writer;

	/** Writes queued appends in groups, holding the write lock while it does. */
	private final GroupCommitter<AppendRequest> committer;

	/** Set once closed; segment files opened before the journal check it too. */
	private final AtomicBoolean closedFlag;

	FileJournal(Path path, @Nullable Path directory, long segmentSize, FsyncPolicy fsync, Duration interval,
			JournalLock lock, JournalWriter.Opener opener, JournalOpening opened) {
		this.path = path;
		this.directory = directory;
		this.segmentSize = segmentSize;
		this.fsync = fsync;
		this.lock = lock;
		this.closedFlag = opened.closed;
		this.queries = new JournalQueries(this, this::lastPosition, this::underWriteLock, this::sealedRanges);
		SegmentRoller roller = (directory != null)
				? new SegmentRoller(directory, fsync, opener, opened.decoded, this::ensureOpen) : null;
		this.writer = new GroupWriter(path, segmentSize, fsync, this::ensureOpen, opened, roller, this.queries,
				(position) -> readAll(position, 1).get(0));
		// Without fsync a group completes in microseconds: waiting appenders yield before
		// parking.
		this.committer = new GroupCommitter<>(MAX_GROUP,
				(fsync == FsyncPolicy.ALWAYS) ? Duration.ZERO : YIELD_BEFORE_PARKING, this.writer::commit);
		this.writer.startSyncing(interval);
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

	/** Seals the last segment if a crash left it full but not sealed; at open only. */
	void sealIfFull() {
		underWriteLock(this.writer::sealIfFull);
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
		return this.writer.active().lastSyncFailure();
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

	/** The type and tag index, when a query or condition built it; for tests. */
	@Nullable LogQueries queryIndex() {
		return this.queries.built();
	}

	private List<SealedSegments.Range> sealedRanges() {
		return this.writer.layout().sealed().ranges();
	}

	// Reads take the committed position before the layout: a layout is published before
	// any position of its new segment commits, so it always holds them all.

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		ensureOpen();
		return this.queries.read(query, fromPosition, maxCount, this.writer.committed());
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		ensureOpen();
		long committed = this.writer.committed();
		return this.writer.layout().readStream(streamId, fromVersion, maxCount, committed);
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		ensureOpen();
		long committed = this.writer.committed();
		return this.writer.layout().readAll(fromPosition, maxCount, committed);
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		ensureOpen();
		long committed = this.writer.committed();
		return this.writer.layout().streamIds(prefix, after, limit, committed);
	}

	@Override
	public long streamCount() {
		ensureOpen();
		return this.writer.layout().streamCount();
	}

	@Override
	public long streamVersion(String streamId) {
		ensureOpen();
		long committed = this.writer.committed();
		return this.writer.layout().streamVersion(streamId, committed);
	}

	@Override
	public long lastPosition() {
		ensureOpen();
		return this.writer.committed();
	}

	@Override
	public String location() {
		return this.path.toString();
	}

	@Override
	public long sizeBytes() {
		return this.writer.sizeBytes();
	}

	/**
	 * Events whose line offsets are on the heap: those of the file being written, for a
	 * segmented journal only its last segment.
	 */
	long eventsIndexedOnHeap() {
		return this.writer.layout().index().count();
	}

	/** The side files' keeper of a segmented journal. */
	@Nullable SideFiles sideFiles() {
		return this.writer.sideFiles();
	}

	/** Sealed segments, 0 for a single file. */
	int sealedSegments() {
		return this.writer.layout().sealed().count();
	}

	/** How many sealed segments' indexes have been opened (on first use). */
	int sealedIndexesOpened() {
		return this.writer.layout().sealed().indexesOpened();
	}

	/** Whether the journal is a directory of segments. */
	public boolean segmented() {
		return this.directory != null;
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("fsync", this.fsync.name());
		details.put("streams", this.writer.layout().streamCount());
		if (this.directory != null) {
			details.put("segments", this.writer.layout().sealed().count() + 1);
			details.put("segmentSize", this.segmentSize);
		}
		IOException syncFailure = this.writer.active().lastSyncFailure();
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
		IndexAtClose.State closedState = null;
		this.committer.lock();
		try {
			if (this.closedFlag.get()) {
				return;
			}
			if (this.directory != null) {
				this.writer.sealAtClose(SEAL_AT_CLOSE_BYTES);
			}
			else {
				closedState = this.writer.closedState();
			}
			this.closedFlag.set(true);
		}
		finally {
			this.committer.unlock();
		}
		this.committer.wakeAll();
		IntervalSyncer syncer = this.writer.intervalSyncer();
		if (syncer != null) {
			syncer.close();
		}
		IOException failure = (this.fsync == FsyncPolicy.ALWAYS) ? null : this.writer.active().flush();
		if (closedState != null && failure == null) {
			recordIndexAtClose(closedState);
		}
		List<AutoCloseable> resources = new ArrayList<>();
		JournalLayout current = this.writer.layout();
		current.sealed().close(resources);
		resources.add(current.file());
		resources.add(this.writer.active().writer());
		SideFiles sideFiles = this.writer.sideFiles();
		if (sideFiles != null) {
			resources.add(sideFiles);
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

	/**
	 * Records a single file's index once everything is durable; a small file, which scans
	 * quickly, leaves none (and drops an earlier one, which would cover less).
	 */
	private void recordIndexAtClose(IndexAtClose.State state) {
		if (state.length() >= INDEX_AT_CLOSE_BYTES) {
			IndexAtClose.write(this.path, state);
		}
		else {
			IndexAtClose.delete(this.path);
		}
	}

	@Override
	public String toString() {
		return "FileJournal[" + this.path + ", fsync " + this.fsync
				+ ((this.directory != null) ? ", segments of " + this.segmentSize + " bytes" : "") + "]";
	}

}
