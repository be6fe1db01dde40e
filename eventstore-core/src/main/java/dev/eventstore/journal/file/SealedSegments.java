package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;

import dev.eventstore.EventStoreException;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * The sealed segments of a segmented journal, in position order, with the streams they
 * hold: reads of their events go through each segment's on-disk {@link SegmentIndex}, so
 * that nothing on the heap grows with their events. An index is checked (its body's
 * checksum, its last line's end) the first time it is used and rebuilt from its segment
 * if it fails. Immutable: sealing a segment makes a new instance; the segments' files and
 * indexes are shared between instances and opened on first use. Thread-safe.
 */
final class SealedSegments {

	private static final System.Logger logger = System.getLogger(SealedSegments.class.getName());

	static final SealedSegments NONE = new SealedSegments(List.of(), SealedStreams.NONE);

	private final List<Segment> segments;

	private final SealedStreams streams;

	private SealedSegments(List<Segment> segments, SealedStreams streams) {
		this.segments = segments;
		this.streams = streams;
	}

	/**
	 * Opens the sealed segments of a journal directory. When the streams' summary lists
	 * exactly these segments, nothing else is read: each index is opened, checked against
	 * its segment and, if missing, stale or damaged, rebuilt the first time it is used.
	 * Otherwise every index is opened (and rebuilt where needed) now and the summary is
	 * completed or rebuilt from them.
	 * @param directory the journal's directory
	 * @param files the sealed segments' files, in position order
	 * @param end the first position of the segment after them
	 * @param summary the streams' summary as loaded, null if missing or damaged
	 * @param decoded the journal's events decoded lately
	 * @param ensureOpen throws if the journal is closed
	 * @return them
	 * @throws JournalCorruptedException if a sealed segment is damaged or they do not
	 * follow each other
	 * @throws IOException if a file cannot be read or an index written
	 */
	static SealedSegments open(Path directory, List<Segments.Listed> files, long end, @Nullable SealedStreams summary,
			UUID journal, DecodedEvents decoded, Runnable ensureOpen) throws IOException {
		List<Segment> segments = new ArrayList<>(files.size());
		long[] firsts = new long[files.size()];
		for (int i = 0; i < files.size(); i++) {
			Segments.Listed file = files.get(i);
			long last = ((i + 1 < files.size()) ? files.get(i + 1).first() : end) - 1;
			if ((i == 0 && file.first() != 1) || last < file.first()) {
				throw new JournalCorruptedException(file.path(), 0, 0, "the segment is named for position "
						+ file.first() + ", which does not follow the segments before it: a segment is misnamed");
			}
			firsts[i] = file.first();
			segments.add(new Segment(file.path(), file.first(), last, List.copyOf(segments), decoded, ensureOpen));
		}
		SealedStreams streams = summary;
		if (streams != null && streams.describes(firsts, end) && sizesMatch(streams, segments)) {
			expectFingerprints(streams, segments);
			return new SealedSegments(List.copyOf(segments), streams);
		}
		int covered = 0;
		if (streams != null && streams.segments() <= segments.size()
				&& streams.describes(Arrays.copyOf(firsts, streams.segments()),
						(streams.segments() < segments.size()) ? firsts[streams.segments()] : end)) {
			covered = streams.segments();
			expectFingerprints(streams, segments.subList(0, covered));
		}
		else {
			streams = SealedStreams.empty(journal);
		}
		// Every index now: a missing segment shows as one whose index ends before the
		// next.
		for (Segment segment : segments) {
			segment.index();
		}
		if (covered < segments.size()) {
			logger.log(Level.INFO, "Journal {0}: adding {1} segments'' indexes to the streams'' summary", directory,
					segments.size() - covered);
			for (Segment segment : segments.subList(covered, segments.size())) {
				streams = streams.with(segment.index());
			}
			streams.save(directory);
		}
		return new SealedSegments(List.copyOf(segments), streams);
	}

	/**
	 * Gives each sealed segment the fingerprint the summary recorded when this journal
	 * sealed it; a segment whose bytes do not match is refused when it is first used
	 * ({@link Segment#index()}), so that opening reads no segment's bytes.
	 */
	private static void expectFingerprints(SealedStreams streams, List<Segment> segments) {
		for (int i = 0; i < segments.size(); i++) {
			segments.get(i).expected = streams.fingerprint(i);
			segments.get(i).expectedSize = streams.size(i);
		}
	}

	/**
	 * Whether every sealed segment still has the size it was sealed with: one that does
	 * not was cut or written to since, and its index is rebuilt (or the damage found)
	 * now.
	 */
	private static boolean sizesMatch(SealedStreams streams, List<Segment> segments) throws IOException {
		for (int i = 0; i < segments.size(); i++) {
			if (Files.size(segments.get(i).path) != streams.size(i)) {
				return false;
			}
		}
		return true;
	}

	/** These segments and the one just sealed after them. */
	SealedSegments with(Path file, SegmentIndex index, SegmentFile bytes, DecodedEvents decoded, Runnable ensureOpen) {
		Segment segment = new Segment(file, index.first(), index.last(), this.segments, decoded, ensureOpen);
		segment.index = index;
		segment.fingerprint = index.fingerprint();
		segment.expected = index.fingerprint();
		segment.checked = index.verify();
		segment.file = bytes;
		segment.reads = new JournalReads(bytes, index, index.legacyEnd(), decoded);
		List<Segment> next = new ArrayList<>(this.segments);
		next.add(segment);
		return new SealedSegments(List.copyOf(next), this.streams.with(index));
	}

	/** One sealed segment's file, positions and fingerprint. */
	record Range(Path path, long first, long last, int fingerprint) {
	}

	/** Each sealed segment's range, its index opened (and checked) where it was not. */
	List<Range> ranges() {
		List<Range> ranges = new ArrayList<>(this.segments.size());
		for (Segment segment : this.segments) {
			ranges.add(new Range(segment.path, segment.first, segment.last, segment.index().fingerprint()));
		}
		return ranges;
	}

	SealedStreams streams() {
		return this.streams;
	}

	/** The first position of the {@code i}-th segment. */
	long first(int i) {
		return this.segments.get(i).first;
	}

	/** The checked index of the {@code i}-th segment. */
	SegmentIndex index(int i) {
		return this.segments.get(i).index();
	}

	/** The last sealed position, 0 when none is sealed. */
	long lastPosition() {
		return this.segments.isEmpty() ? 0 : this.segments.get(this.segments.size() - 1).last;
	}

	/**
	 * Whether lines of this store's format were sealed, so the original format may not
	 * follow.
	 */
	boolean checksummed() {
		return this.streams.checksummed();
	}

	/** The bytes of every sealed segment. */
	long bytes() {
		return this.streams.bytes();
	}

	int count() {
		return this.segments.size();
	}

	/** How many of the segments' indexes have been opened: they open on first use. */
	int indexesOpened() {
		return (int) this.segments.stream().filter((segment) -> segment.index != null).count();
	}

	/**
	 * Adds a stream's sealed events from {@code fromVersion} on, at most {@code max}.
	 * @return how many it added
	 */
	int readStream(String streamId, long fromVersion, int max, List<StoredEvent> events) {
		SealedStreams.Stream stream = this.streams.stream(streamId);
		if (stream == null || fromVersion > stream.version()) {
			return 0;
		}
		int added = 0;
		SegmentIndex.Key key = SegmentIndex.key(streamId);
		int[] runs = stream.runs();
		for (int r = 0; r < runs.length && added < max; r += 2) {
			for (int ordinal = runs[r]; ordinal <= runs[r + 1] && added < max; ordinal++) {
				Segment segment = this.segments.get(ordinal);
				SegmentIndex.Stream here = segment.index().stream(key);
				if (here == null) {
					throw new JournalCorruptedException(segment.path, 0, 0,
							"the index of the segment lacks stream '" + streamId
									+ "' that the streams' summary places there; delete " + SealedStreams.FILE
									+ " to rebuild it");
				}
				long firstVersion = here.firstVersion();
				if (firstVersion + here.count() - 1 < fromVersion) {
					continue;
				}
				int from = (int) Math.max(0, fromVersion - firstVersion);
				long[] positions = here.positions(from, max - added);
				segment.reads().readStream(positions, here.ranges(from, max - added), firstVersion + from, events);
				added += positions.length;
			}
		}
		return added;
	}

	/** Adds the events of positions {@code from} to {@code to}, all sealed. */
	void readAll(long from, long to, List<StoredEvent> events) {
		int low = 0;
		int high = this.segments.size() - 1;
		while (low < high) {
			int middle = (low + high + 1) >>> 1;
			if (this.segments.get(middle).first <= from) {
				low = middle;
			}
			else {
				high = middle - 1;
			}
		}
		for (int i = low; i < this.segments.size() && from <= to; i++) {
			Segment segment = this.segments.get(i);
			long last = Math.min(to, segment.last);
			segment.reads().readAll(from, last, events);
			from = last + 1;
		}
	}

	/**
	 * The position of a sealed event with an id, newest segments first.
	 * @param id the id
	 * @param isIt reads a position's line and tells whether it holds the id
	 * @param from only segments ending at or after this position are asked
	 * @return the position, or 0 when no such segment has it
	 */
	long findId(UUID id, LongPredicate isIt, long from) {
		for (int i = this.segments.size() - 1; i >= 0 && this.segments.get(i).last >= from; i--) {
			long position = this.segments.get(i).index().findId(id, isIt);
			if (position > 0) {
				return position;
			}
		}
		return 0;
	}

	/** Closes every segment's file. */
	void close(List<AutoCloseable> resources) {
		for (Segment segment : this.segments) {
			SegmentFile file = segment.file;
			if (file != null) {
				resources.add(file);
			}
		}
	}

	/**
	 * Rebuilds a segment's index by scanning it; it must be whole (a sealed segment was
	 * forced before the next one began).
	 */
	private static SegmentIndex rebuild(Segment segment, List<Segment> before) throws IOException {
		ToLongFunction<String> versionBefore = versionsBefore(before);
		boolean checksummedBefore = false;
		for (Segment earlier : before) {
			checksummedBefore |= earlier.index().legacyEnd() < earlier.last;
		}
		long size = Files.size(segment.path);
		Recovery.Result scanned;
		try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
			scanned = Recovery.scan(segment.path, channel, segment.first - 1, versionBefore, checksummedBefore);
		}
		if (scanned.truncationReason() != null || scanned.keptEnd() != size || scanned.lastPosition() < segment.first) {
			throw new JournalCorruptedException(segment.path, 0, scanned.keptEnd(),
					"a sealed segment must hold whole batches to its end, but it has "
							+ ((scanned.lastPosition() < segment.first) ? "no event"
									: String.valueOf(scanned.truncationReason())));
		}
		int fingerprint = SegmentIndex.write(segment.path, scanned.index(), scanned.ids(), versionBefore,
				scanned.legacyEnd());
		SegmentIndex index = SegmentIndex.open(segment.path, segment.first, size, fingerprint);
		if (index == null || !index.verify()) {
			throw new EventStoreException("The rebuilt index of segment " + segment.path + " does not read back");
		}
		return index;
	}

	/**
	 * Each stream's version before the given segments end, from their indexes: the newest
	 * segment holding the stream tells it, so the lookup walks back from the last.
	 */
	private static ToLongFunction<String> versionsBefore(List<Segment> before) {
		Map<String, Long> known = new HashMap<>();
		return (streamId) -> known.computeIfAbsent(streamId, (id) -> {
			SegmentIndex.Key key = SegmentIndex.key(id);
			for (int i = before.size() - 1; i >= 0; i--) {
				SegmentIndex.Stream stream = before.get(i).index().stream(key);
				if (stream != null) {
					return stream.firstVersion() + stream.count() - 1;
				}
			}
			return 0L;
		});
	}

	/** One sealed segment: its file and its index, both opened on first use. */
	private static final class Segment {

		final Path path;

		final long first;

		/** Its last position, from the next segment's name. */
		final long last;

		/**
		 * The segments before it, whose indexes give the versions a rebuild starts from.
		 */
		private final List<Segment> before;

		private final DecodedEvents decoded;

		private final Runnable ensureOpen;

		volatile @Nullable SegmentIndex index;

		volatile boolean checked;

		/** Its bytes' fingerprint, read once; 0 until then. */
		private volatile int fingerprint;

		/** The fingerprint the summary recorded at its sealing, 0 when not known. */
		volatile int expected;

		/** The size the summary recorded at its sealing. */
		volatile long expectedSize;

		volatile @Nullable SegmentFile file;

		private volatile @Nullable JournalReads reads;

		Segment(Path path, long first, long last, List<Segment> before, DecodedEvents decoded, Runnable ensureOpen) {
			this.path = path;
			this.first = first;
			this.last = last;
			this.before = before;
			this.decoded = decoded;
			this.ensureOpen = ensureOpen;
		}

		/** Its bytes' fingerprint ({@link JournalIdentity#fingerprint}), read once. */
		int fingerprint() throws IOException {
			int known = this.fingerprint;
			if (known == 0) {
				known = JournalIdentity.fingerprint(this.path);
				this.fingerprint = known;
			}
			return known;
		}

		/**
		 * Refuses the segment, before its index is opened or built, when its bytes are
		 * not those the summary recorded when this journal sealed it: a segment of
		 * another journal put in its place (same name and size, its own events), or one
		 * damaged at an end.
		 */
		private void checkFingerprint() throws IOException {
			int recorded = this.expected;
			if (recorded != 0 && Files.size(this.path) == this.expectedSize) {
				// A segment cut short or grown is reported by its index's checks instead.
				checkFingerprintNow();
			}
		}

		private void checkFingerprintNow() throws IOException {
			int recorded = this.expected;
			if (recorded != 0 && fingerprint() != recorded) {
				throw new JournalCorruptedException(this.path, 0, 0,
						"the segment is not the one this journal " + "sealed there: its bytes differ from those "
								+ SealedStreams.FILE + " recorded when it was " + "sealed (fingerprint "
								+ Integer.toHexString(fingerprint()) + ", recorded " + Integer.toHexString(recorded)
								+ "): a segment of another journal, or one damaged at an end; "
								+ "nothing was changed, put back this journal's segment from a backup");
			}
		}

		/**
		 * The index, opened and checked on first use (header against the segment, body
		 * against its checksum, last position against the next segment's name) and
		 * rebuilt from the segment if it fails.
		 */
		SegmentIndex index() {
			SegmentIndex current = this.index;
			if (current != null && this.checked) {
				return current;
			}
			synchronized (this) {
				try {
					checkFingerprint();
					if (this.index == null) {
						SegmentIndex opened = SegmentIndex.open(this.path, this.first, Files.size(this.path),
								fingerprint());
						if (opened == null) {
							// None after a conversion; one that fails its checks is worth
							// a warning.
							boolean exists = Files.exists(SegmentIndex.pathOf(this.path));
							logger.log(exists ? Level.WARNING : Level.INFO, exists
									? "The index of segment {0} is stale, damaged or of another segment; rebuilding "
											+ "it from the segment"
									: "Segment {0} has no index; building it from the segment", this.path);
							opened = rebuild(this, this.before);
						}
						this.index = opened;
					}
					SegmentIndex opened = Objects.requireNonNull(this.index);
					if (!this.checked && !opened.verify()) {
						logger.log(Level.WARNING, "The index of segment {0} is damaged; rebuilding it from the segment",
								this.path);
						opened = rebuild(this, this.before);
						this.index = opened;
					}
					checkFingerprintNow();
					if (opened.last() != this.last) {
						throw new JournalCorruptedException(this.path, 0, 0,
								"the segment holds positions " + this.first + " to " + opened.last()
										+ " but the next segment begins at " + (this.last + 1)
										+ ": a segment is missing or misnamed");
					}
					this.checked = true;
					return opened;
				}
				catch (IOException ex) {
					throw new EventStoreException("Cannot open the index of segment " + this.path + ": " + ex, ex);
				}
			}
		}

		JournalReads reads() {
			JournalReads current = this.reads;
			if (current != null) {
				return current;
			}
			synchronized (this) {
				if (this.reads == null) {
					this.ensureOpen.run();
					try {
						SegmentIndex checkedIndex = index();
						FileChannel channel = FileChannel.open(this.path, StandardOpenOption.READ);
						SegmentFile bytes = new SegmentFile(this.path, channel, checkedIndex.segmentSize(),
								this.ensureOpen);
						this.file = bytes;
						this.reads = new JournalReads(bytes, checkedIndex, checkedIndex.legacyEnd(), this.decoded);
					}
					catch (IOException ex) {
						throw new EventStoreException("Cannot open segment " + this.path + ": " + ex, ex);
					}
				}
				return this.reads;
			}
		}

	}

}
