package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import dev.eventstore.EventStoreException;
import dev.eventstore.internal.DurableFiles;
import dev.eventstore.journal.file.LineFormat.LineFormatException;

/**
 * The layout of a segmented journal's directory: segment files named by their first
 * position ({@code 00000000000000000001.ndjson}, 20 digits, so that names sort as
 * positions do), each sealed one beside its {@code .index}, plus {@code streams.summary}
 * and {@code ids.filter}. Also turns a single-file journal into a directory of segments.
 */
final class Segments {

	private static final System.Logger logger = System.getLogger(Segments.class.getName());

	static final String SEGMENT_SUFFIX = ".ndjson";

	private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}\\.ndjson");

	/** Where a conversion builds the directory before it takes the journal's place. */
	static final String CONVERTING_SUFFIX = ".segmenting";

	/** Written last into a finished conversion's directory. */
	private static final String CONVERTED_MARKER = "converted";

	private Segments() {
	}

	/** One segment file found in the directory. */
	record Listed(Path path, long first) {
	}

	static Path segmentPath(Path directory, long first) {
		return directory.resolve(String.format("%020d", first) + SEGMENT_SUFFIX);
	}

	/** The segment files of a journal directory, in position order. */
	static List<Listed> list(Path directory) throws IOException {
		List<Listed> segments = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
			for (Path file : files) {
				String name = file.getFileName().toString();
				if (SEGMENT_NAME.matcher(name).matches()) {
					segments.add(new Listed(file, Long.parseLong(name.substring(0, 20))));
				}
			}
		}
		segments.sort(Comparator.comparingLong(Listed::first));
		return segments;
	}

	/** Removes what a crash left of files being written to take another's place. */
	static void deleteTemporaryFiles(Path directory) throws IOException {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.tmp")) {
			for (Path file : files) {
				Files.delete(file);
			}
		}
	}

	/** Whether the path is a directory holding segments. */
	static boolean isSegmented(Path path) throws IOException {
		return Files.isDirectory(path) && holdsSegments(path);
	}

	/** Whether a directory holds a segment file; stops at the first. */
	private static boolean holdsSegments(Path directory) throws IOException {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SEGMENT_SUFFIX)) {
			for (Path file : files) {
				if (SEGMENT_NAME.matcher(file.getFileName().toString()).matches()) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Refuses a path inside a segmented journal's directory (a segment, its index, the
	 * summary, or any other file there): taken for a journal of its own, it would be
	 * opened or cut without the journal's lock and outside its rules.
	 * @param path the path given for a journal, absolute
	 * @throws EventStoreException naming the journal's directory, if it is inside one
	 */
	static void refuseInsideSegmentedJournal(Path path) {
		for (Path directory = path.getParent(); directory != null; directory = directory.getParent()) {
			// A few lookups of names only a segmented journal's directory holds (its
			// first segment is always 1), not a listing: the directories above a journal
			// may hold many files.
			boolean segmented = Files.exists(segmentPath(directory, 1))
					|| Files.exists(directory.resolve(SealedStreams.FILE))
					|| Files.exists(directory.resolve(JournalIdentity.FILE));
			if (segmented) {
				throw new EventStoreException("Cannot use " + path + " as a journal: it is inside the segmented "
						+ "journal " + directory + ", whose segments only that journal may open, read or cut; give "
						+ directory + " instead");
			}
		}
	}

	/** Creates an empty segment and makes its name durable. */
	static Path create(Path directory, long first) throws IOException {
		Path segment = segmentPath(directory, first);
		Files.newByteChannel(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
		DurableFiles.forceDirectory(directory);
		return segment;
	}

	/**
	 * Finishes or undoes a conversion that a crash interrupted: a finished one (marker
	 * written, the single file already moved to its backup) takes the journal's place; an
	 * unfinished one is removed, the single file still being the journal.
	 * @param journal the journal's path
	 */
	static void completeInterruptedConversion(Path journal) throws IOException {
		Path building = journal.resolveSibling(journal.getFileName() + CONVERTING_SUFFIX);
		if (!Files.isDirectory(building)) {
			return;
		}
		if (!Files.exists(journal) && Files.exists(building.resolve(CONVERTED_MARKER))) {
			Files.delete(building.resolve(CONVERTED_MARKER));
			Files.move(building, journal, StandardCopyOption.ATOMIC_MOVE);
			DurableFiles.forceDirectory(journal.getParent());
			logger.log(Level.INFO, "Journal {0}: finished its conversion to segments", journal);
			return;
		}
		deleteTree(building);
	}

	/**
	 * Splits a single-file journal, which the caller has locked and recovered, into
	 * segments of at least {@code segmentSize} bytes (ending on whole batches), then
	 * moves the file to a backup beside it and the directory into its place. The
	 * segments' indexes are built when the journal opens. A crash at any point leaves
	 * either the single file or the directory as the journal.
	 * @param journal the single file
	 * @param keptEnd where its last whole batch ends: bytes after it are not carried over
	 * @param segmentSize the segment size
	 * @return the backup of the single file
	 */
	static Path convert(Path journal, long keptEnd, long segmentSize) throws IOException {
		Path building = journal.resolveSibling(journal.getFileName() + CONVERTING_SUFFIX);
		deleteTree(building);
		Files.createDirectory(building);
		try (FileChannel source = FileChannel.open(journal, StandardOpenOption.READ)) {
			LineScanner.scanLines(source, journal, keptEnd, new Splitter(source, building, segmentSize));
		}
		DurableFiles.forceDirectory(building);
		Files.createFile(building.resolve(CONVERTED_MARKER));
		DurableFiles.forceDirectory(building);
		Path backup = journal
			.resolveSibling(journal.getFileName() + ".single-file-" + CutBytes.TIME.format(Instant.now()));
		Files.move(journal, backup, StandardCopyOption.ATOMIC_MOVE);
		Files.delete(building.resolve(CONVERTED_MARKER));
		Files.move(building, journal, StandardCopyOption.ATOMIC_MOVE);
		DurableFiles.forceDirectory(journal.getParent());
		return backup;
	}

	/** Copies lines into segments, starting a new one on a batch's end past the size. */
	private static final class Splitter implements LineScanner.LineHandler {

		private final FileChannel source;

		private final Path directory;

		private final long segmentSize;

		private long segmentStart;

		private long firstPosition = 1;

		private long nextPosition = 1;

		Splitter(FileChannel source, Path directory, long segmentSize) {
			this.source = source;
			this.directory = directory;
			this.segmentSize = segmentSize;
		}

		@Override
		public void line(byte[] bytes, int start, int length, long offset, long lineNumber) {
			LineFormat.Decoded line;
			try {
				line = LineDecoder.decodeHeader(bytes, start, length);
			}
			catch (LineFormatException ex) {
				throw new EventStoreException("Cannot convert: line " + lineNumber + " is damaged: " + ex.getMessage());
			}
			this.nextPosition = line.position() + 1;
			long end = offset + length + 1;
			boolean batchEnds = line.batchEnd() == -1 || line.batchEnd() == line.position();
			if (batchEnds && end - this.segmentStart >= this.segmentSize) {
				flush(end);
			}
		}

		/**
		 * Copies the bytes up to {@code end} into the next segment; called at the end
		 * too.
		 */
		private void flush(long end) {
			if (end <= this.segmentStart) {
				return;
			}
			Path segment = segmentPath(this.directory, this.firstPosition);
			try (FileChannel target = FileChannel.open(segment, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE)) {
				long copied = 0;
				while (copied < end - this.segmentStart) {
					copied += this.source.transferTo(this.segmentStart + copied, end - this.segmentStart - copied,
							target);
				}
				target.force(true);
			}
			catch (IOException ex) {
				throw new EventStoreException("Cannot write segment " + segment + ": " + ex, ex);
			}
			this.segmentStart = end;
			this.firstPosition = this.nextPosition;
		}

		@Override
		public void end(long end) {
			// The last segment is the one written next.
			flush(end);
		}

	}

	static void deleteTree(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (var paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
