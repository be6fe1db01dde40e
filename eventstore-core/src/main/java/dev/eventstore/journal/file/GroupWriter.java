package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongFunction;

import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.IdTable;
import org.jspecify.annotations.Nullable;

/**
 * A file journal's write side: the file being written and where it ends, the groups of
 * appends the group commit hands it (checked and composed by {@link GroupComposer},
 * written and forced by {@link ActiveWriter}, then indexed and made readable), and the
 * roll to the next segment once one is full ({@link SegmentRoller}). Everything but the
 * published layout, committed position and sizes is guarded by the journal's write lock:
 * only the group commit's combiner calls in.
 */
final class GroupWriter {

	private final Path path;

	private final long segmentSize;

	private final FsyncPolicy fsync;

	private final Runnable ensureOpen;

	/** The writer of the file being written. */
	private final ActiveWriter active;

	/** Seals a full segment and starts the next; null for a single file. */
	private final @Nullable SegmentRoller roller;

	/** A segmented journal's summary and id filter, kept up to date in the background. */
	private final @Nullable SideFiles sideFiles;

	/** The events stream reads decoded lately, shared by every file of the journal. */
	private final DecodedEvents decoded;

	/** The types and tags index, once a query or condition built it. */
	private final JournalQueries queries;

	/** Reads the event at a position: a retry's candidate, confirmed by its line. */
	private final LongFunction<StoredEvent> readOne;

	/** Checks a group's requests and composes its lines. */
	private final GroupComposer composer = new GroupComposer();

	/** The file being written, its index and reads, and the sealed segments before it. */
	private volatile JournalLayout layout;

	/** Where each event id of the written file is. */
	private IdTable ids;

	/** The file being written. */
	private Path activePath;

	/** Its leading lines of the original format. */
	private long activeLegacyEnd;

	/** Seal the written file once it is this long. */
	private long sealAt;

	/** The bytes of the sealed segments. */
	private volatile long sealedBytes;

	private long nextPosition;

	private long writeOffset;

	/** What has been written: read by the interval syncer without the write lock. */
	private volatile long writtenOffset;

	/** The last readable position. */
	private volatile long committed;

	private @Nullable IntervalSyncer intervalSyncer;

	/** The lines and the last position the open found: the lines at close follow. */
	private final long openedLines;

	private final long openedLast;

	GroupWriter(Path path, long segmentSize, FsyncPolicy fsync, Runnable ensureOpen, JournalOpening opened,
			@Nullable SegmentRoller roller, JournalQueries queries, LongFunction<StoredEvent> readOne) {
		this.path = path;
		this.segmentSize = segmentSize;
		this.fsync = fsync;
		this.ensureOpen = ensureOpen;
		this.roller = roller;
		this.queries = queries;
		this.readOne = readOne;
		this.decoded = opened.decoded;
		Recovery.Result recovered = opened.recovered;
		this.ids = recovered.ids();
		this.activePath = opened.activePath;
		this.activeLegacyEnd = recovered.legacyEnd();
		this.sideFiles = (opened.filter != null) ? new SideFiles(path, opened.filter, opened.sealed) : null;
		this.sealedBytes = opened.sealed.bytes();
		SegmentFile file = new SegmentFile(opened.activePath, opened.readChannel, recovered.keptEnd(), ensureOpen);
		this.layout = new JournalLayout(opened.sealed, recovered.index(), file,
				new JournalReads(file, recovered.index(), recovered.legacyEnd(), this.decoded));
		this.active = new ActiveWriter(path, opened.writer);
		this.nextPosition = recovered.lastPosition() + 1;
		this.writeOffset = recovered.keptEnd();
		this.writtenOffset = recovered.keptEnd();
		this.committed = recovered.lastPosition();
		this.openedLines = recovered.lines();
		this.openedLast = recovered.lastPosition();
		this.sealAt = (segmentSize > 0) ? segmentSize : Long.MAX_VALUE;
	}

	/** Starts forcing in the background, when the policy wants it. */
	void startSyncing(Duration interval) {
		this.intervalSyncer = IntervalSyncer.forJournal(this.path, this.fsync, interval, this.segmentSize,
				() -> this.sealedBytes + this.writtenOffset, () -> this.active.flush() == null);
	}

	/** Writes one group of queued appends, then seals the segment if it is full. */
	void commit(List<AppendRequest> group) {
		this.ensureOpen.run();
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

	/**
	 * At a clean close, seals the last segment once it holds {@code minimum} bytes, so
	 * that the next open has (almost) nothing to scan: a sealed segment opens by its
	 * index's header. A smaller one is left to be scanned, which is quick.
	 */
	void sealAtClose(long minimum) {
		if (this.segmentSize > 0 && this.writeOffset >= minimum) {
			seal();
		}
	}

	/**
	 * What a single file's clean close records for the next open ({@link IndexAtClose}):
	 * under the write lock, once nothing more is appended.
	 */
	IndexAtClose.State closedState() {
		long last = this.nextPosition - 1;
		return new IndexAtClose.State(this.layout.index(), this.ids, this.writeOffset, last, this.activeLegacyEnd,
				this.openedLines + (last - this.openedLast));
	}

	/** Seals the last segment if a crash left it full but not sealed; at open only. */
	void sealIfFull() {
		if (this.segmentSize > 0 && this.writeOffset >= this.segmentSize) {
			seal();
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
		Path sealedPath = this.activePath;
		long sealedFirst = current.index().base() + 1;
		long sealedLast = this.nextPosition - 1;
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
		this.queries.sealed(new SealedSegments.Range(sealedPath, sealedFirst, sealedLast, rolled.fingerprint()));
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
		IdFilter sealedIds = (this.sideFiles != null) ? this.sideFiles.filterForLookup() : null;
		return StoredIds.find(id, groupIds, this.ids, this.layout.sealed(), sealedIds, this.readOne);
	}

	private static void fail(List<AppendRequest> requests, RuntimeException failure) {
		for (AppendRequest request : requests) {
			request.fail(failure);
		}
	}

	/** The file being written, its index and reads, and the sealed segments before it. */
	JournalLayout layout() {
		return this.layout;
	}

	/** The last readable position. */
	long committed() {
		return this.committed;
	}

	/** The bytes of every segment, the one being written included. */
	long sizeBytes() {
		return this.sealedBytes + this.writtenOffset;
	}

	ActiveWriter active() {
		return this.active;
	}

	@Nullable SideFiles sideFiles() {
		return this.sideFiles;
	}

	@Nullable IntervalSyncer intervalSyncer() {
		return this.intervalSyncer;
	}

}
