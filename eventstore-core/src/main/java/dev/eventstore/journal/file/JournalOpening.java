package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;

/**
 * Opening a {@link FileJournal}, short of the journal itself: finishes an interrupted
 * conversion, converts a single file that is to be segmented, opens the sealed segments,
 * and recovers the file to be written (a single file, or the last segment), cutting a
 * torn tail off it. What it opened is handed to the journal, or closed if opening fails.
 * The caller holds the journal's lock throughout.
 */
final class JournalOpening {

	private static final System.Logger logger = System.getLogger(FileJournal.class.getName());

	final DecodedEvents decoded = new DecodedEvents(8192);

	final AtomicBoolean closed = new AtomicBoolean();

	private final JournalWriter.Opener writerOpener;

	private final List<AutoCloseable> resources = new ArrayList<>();

	private boolean segmented;

	SealedSegments sealed = SealedSegments.NONE;

	@Nullable IdFilter filter;

	Path activePath;

	FileChannel readChannel;

	Recovery.Result recovered;

	JournalWriter writer;

	private JournalOpening(JournalWriter.Opener writerOpener) {
		this.writerOpener = writerOpener;
	}

	/** Whether the journal is a directory of segments. */
	boolean segmented() {
		return this.segmented;
	}

	/**
	 * Opens a journal whose lock the caller holds.
	 * @param file the journal's real path
	 * @param segmentSize 0 for a single file unless the path is a segmented journal's
	 * directory
	 * @param writerOpener opens the writer of the file to be written
	 * @return what it opened
	 */
	static JournalOpening open(Path file, long segmentSize, JournalWriter.Opener writerOpener) {
		JournalOpening opened = new JournalOpening(writerOpener);
		try {
			Segments.completeInterruptedConversion(file);
			opened.segmented = segmentSize > 0 || Segments.isSegmented(file);
			if (opened.segmented && Files.isRegularFile(file)) {
				convert(file, (segmentSize > 0) ? segmentSize : FileJournal.DEFAULT_SEGMENT_SIZE);
			}
			if (opened.segmented) {
				opened.openSegments(file);
			}
			else {
				opened.openFile(file, file, 0, (streamId) -> 0, false);
				if (opened.recovered.lastPosition() == 0 && opened.recovered.keptEnd() == 0
						&& opened.readChannel.size() == 0) {
					// A file just created: make its name durable.
					DurableFiles.forceDirectory(file.getParent());
				}
			}
			return opened;
		}
		catch (IOException ex) {
			opened.close(ex);
			throw new EventStoreException("Cannot open journal " + file + ": " + ex, ex);
		}
		catch (RuntimeException ex) {
			opened.close(ex);
			throw ex;
		}
	}

	/**
	 * Opens a file journal: checks the path, takes the journal's lock, opens what is on
	 * disk and builds the journal on it; on any failure, closes what it opened and gives
	 * the lock up.
	 * @param segmentSize 0 for a single file unless the path is a segmented journal's
	 * directory
	 */
	static FileJournal openJournal(Path path, FsyncPolicy fsync, Duration fsyncInterval, long segmentSize,
			JournalWriter.Opener opener) {
		if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
			throw new IllegalArgumentException("fsync interval must be positive, was " + fsyncInterval);
		}
		Path file = path.toAbsolutePath().normalize();
		Path fileName = file.getFileName();
		Path parent = file.getParent();
		if (fileName == null || parent == null) {
			throw new EventStoreException("Cannot use " + file + " as a journal: it names no file");
		}
		try {
			Files.createDirectories(parent);
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot create the directory " + parent + " of journal " + file + ": " + ex,
					ex);
		}
		JournalLock lock = JournalLock.acquire(file);
		file = lock.realPath();
		JournalOpening opened;
		try {
			opened = open(file, segmentSize, opener);
		}
		catch (RuntimeException ex) {
			Resources.closeQuietly(List.of(lock), ex);
			throw ex;
		}
		try {
			boolean segmented = opened.segmented();
			long size = (segmentSize > 0) ? segmentSize : FileJournal.DEFAULT_SEGMENT_SIZE;
			FileJournal journal = new FileJournal(file, segmented ? file : null, segmented ? size : 0, fsync,
					fsyncInterval, lock, opener, opened);
			// A crash after the last segment filled, before it was sealed.
			journal.sealIfFull();
			return journal;
		}
		catch (RuntimeException ex) {
			opened.close(ex);
			Resources.closeQuietly(List.of(lock), ex);
			throw ex;
		}
	}

	/**
	 * Throws if the journal is closed; also for segment files opened before it was built.
	 * @param closed the journal's closed flag ({@link #closed})
	 * @param journal the journal, for the message
	 */
	static void ensureOpen(AtomicBoolean closed, Path journal) {
		if (closed.get()) {
			throw new IllegalStateException("Journal " + journal + " is closed");
		}
	}

	/** Closes what it opened, after a failure. */
	void close(Throwable failure) {
		List<AutoCloseable> all = new ArrayList<>();
		this.sealed.close(all);
		all.addAll(this.resources);
		Collections.reverse(all);
		Resources.closeQuietly(all, failure);
	}

	/** Recovers the file being written: cuts a torn or incomplete tail off it. */
	private void openFile(Path journal, Path file, long base, ToLongFunction<String> versions,
			boolean checksummedBefore) throws IOException {
		if (Files.isDirectory(file)) {
			throw new EventStoreException("Cannot use " + file + " as a journal: it is a directory and holds no "
					+ "journal segments (give a segment size to start a segmented journal in it)");
		}
		JournalLock.refuseSecondName(file);
		FileChannel readChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		this.resources.add(readChannel);
		IndexAtClose.State closed = this.segmented ? null : IndexAtClose.load(file, readChannel);
		Recovery.Result recovered = (closed != null) ? Recovery.scan(file, readChannel, closed)
				: Recovery.scan(file, readChannel, base, versions, checksummedBefore);
		JournalWriter writer = this.writerOpener.open(file, recovered.keptEnd());
		this.resources.add(writer);
		if (recovered.truncationReason() != null) {
			Path saved = CutBytes.save(file, readChannel, recovered.keptEnd(), recovered.fileSize());
			logger.log(Level.WARNING,
					"Journal {0}: cutting off {1} bytes after position {2}: {3}; they are saved in {4}", journal,
					recovered.fileSize() - recovered.keptEnd(), recovered.lastPosition(), recovered.truncationReason(),
					saved);
			writer.truncate(recovered.keptEnd());
			writer.sync();
		}
		this.activePath = file;
		this.readChannel = readChannel;
		this.recovered = recovered;
		this.writer = writer;
	}

	/**
	 * Opens a segmented journal's directory: its sealed segments through their indexes,
	 * the last segment by scanning it.
	 */
	private void openSegments(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			Files.createDirectory(directory);
			DurableFiles.forceDirectory(directory.getParent());
		}
		List<Segments.Listed> listed = Segments.list(directory);
		if (listed.isEmpty()) {
			try (var entries = Files.list(directory)) {
				if (entries.findAny().isPresent()) {
					throw new EventStoreException("Cannot use " + directory + " as a segmented journal: it is a "
							+ "directory holding other files and no journal segments");
				}
			}
			listed = List.of(new Segments.Listed(Segments.create(directory, 1), 1));
		}
		Segments.deleteTemporaryFiles(directory);
		// Left by the single file this journal was converted from.
		Files.deleteIfExists(IndexAtClose.pathOf(directory));
		Segments.Listed active = listed.get(listed.size() - 1);
		UUID journal = JournalIdentity.readOrCreate(directory);
		SealedStreams summary = SealedStreams.load(directory, journal);
		// Before anything is rewritten to match what is there.
		MissingSegments.refuse(directory, active, summary, journal);
		// An index of the last segment is what a crash while sealing it left: it is
		// scanned instead, and sealed again once full.
		Files.deleteIfExists(SegmentIndex.pathOf(active.path()));
		this.sealed = SealedSegments.open(directory, listed.subList(0, listed.size() - 1), active.first(), summary,
				journal, this.decoded, () -> ensureOpen(this.closed, directory));
		this.filter = IdFilter.open(directory, this.sealed);
		this.resources.add(this.filter);
		SealedStreams streams = this.sealed.streams();
		openFile(directory, active.path(), active.first() - 1, streams::version, this.sealed.checksummed());
	}

	/** Converts a single-file journal into segments, keeping the file as a backup. */
	private static void convert(Path file, long segmentSize) throws IOException {
		long keptEnd;
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			Recovery.Result recovered = Recovery.scan(file, channel);
			keptEnd = recovered.keptEnd();
			if (recovered.truncationReason() != null) {
				logger.log(Level.WARNING,
						"Journal {0}: converting only up to byte {1}: {2}; the single-file backup keeps the rest", file,
						keptEnd, recovered.truncationReason());
			}
		}
		Path backup = Segments.convert(file, keptEnd, segmentSize);
		Files.deleteIfExists(IndexAtClose.pathOf(file));
		logger.log(Level.INFO, "Journal {0} converted to segments of {1} bytes; the single file is kept as {2}", file,
				segmentSize, backup);
	}

}
