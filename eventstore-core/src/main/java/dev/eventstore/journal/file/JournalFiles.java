package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import dev.eventstore.EventStoreException;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.LineFormat.LineFormatException;
import org.jspecify.annotations.Nullable;

/**
 * Tools for journal files (single files and segmented journals' directories), for
 * operators (the {@code eventstore-cli} uses them): verify a file line by line, read its
 * events without opening a store (and so without its lock, while an application writes
 * it), and cut a damaged region off by an operator's choice. Nothing here changes a file
 * except {@link #cutAt(Path, long)}.
 *
 * @since 0.2.0
 */
public final class JournalFiles {

	private JournalFiles() {
	}

	/**
	 * A problem {@link #verify} found.
	 *
	 * @param file the file it is in: the journal, or one segment of a segmented journal
	 * @param line the line number in that file, from 1
	 * @param offset the line's byte offset in that file
	 * @param message what is wrong
	 */
	public record Problem(Path file, long line, long offset, String message) {
	}

	/**
	 * What {@link #verify} read.
	 *
	 * @param events events read
	 * @param streams distinct streams
	 * @param firstPosition the first position, 0 when empty
	 * @param lastPosition the last position, 0 when empty
	 * @param bytes the file's size
	 * @param problems how many problems were found
	 */
	public record Summary(long events, long streams, long firstPosition, long lastPosition, long bytes, long problems) {
	}

	/**
	 * Checks every line of a journal: its checksum and JSON, gapless positions,
	 * contiguous versions per stream, complete batches, no torn tail; in a segmented
	 * journal also that each segment begins where its name says and ends on a whole
	 * batch. Reads the files only; takes no lock.
	 * @param journal the file, or a segmented journal's directory
	 * @param problems told of each problem, in file order
	 * @param progress told of the bytes read so far, now and then
	 * @return the summary
	 * @throws EventStoreException if the journal cannot be read
	 */
	public static Summary verify(Path journal, Consumer<Problem> problems, LongConsumer progress) {
		Segments.refuseInsideSegmentedJournal(journal.toAbsolutePath().normalize());
		JournalVerifier verifier = new JournalVerifier(problems);
		long size = 0;
		if (Files.isDirectory(journal)) {
			List<Segments.Listed> segments = segments(journal);
			for (int i = 0; i < segments.size(); i++) {
				Segments.Listed segment = segments.get(i);
				verifier.file = segment.path();
				if (segment.first() != verifier.expected) {
					verifier.problem(1, 0, "the segment is named for position " + segment.first() + " but "
							+ verifier.expected + " follows the segments before it");
				}
				long before = size;
				size += LineScanner.scan(segment.path(), 0, verifier, (read) -> progress.accept(before + read));
				if (i < segments.size() - 1) {
					verifier.finish(0);
				}
			}
		}
		else {
			verifier.file = journal;
			size = LineScanner.scan(journal, 0, verifier, progress);
		}
		verifier.finish(size);
		return new Summary(verifier.events, verifier.versions.size(), verifier.first, verifier.last, size,
				verifier.problems);
	}

	/**
	 * Cuts a journal file at a line's start, keeping what it removes in a side file
	 * ({@code <journal>.cut-<offset>-<time>}) first, for the damage recovery refuses to
	 * cut on its own. Refuses while a store holds the journal. In a segmented journal it
	 * cuts the last segment (sealed ones were forced whole before the next began).
	 * @param journal the file, or a segmented journal's directory
	 * @param offset the byte offset of the first line to remove
	 * @return the side file holding the removed bytes
	 * @throws EventStoreException if the journal is in use, the offset is not a line
	 * start inside the file, or the side file cannot be written (then nothing is cut)
	 */
	public static Path cutAt(Path journal, long offset) {
		Path file = journal.toAbsolutePath().normalize();
		try (JournalLock lock = JournalLock.acquire(file);
				FileChannel channel = FileChannel.open(lastFile(lock.realPath()), StandardOpenOption.READ,
						StandardOpenOption.WRITE)) {
			file = lastFile(lock.realPath());
			long size = channel.size();
			if (offset < 0 || offset >= size) {
				throw new EventStoreException(
						"Cannot cut " + file + " at byte " + offset + ": the file holds bytes 0 to " + (size - 1));
			}
			if (offset > 0) {
				ByteBuffer before = ByteBuffer.allocate(1);
				channel.read(before, offset - 1);
				if (before.get(0) != '\n') {
					throw new EventStoreException("Cannot cut " + file + " at byte " + offset
							+ ": it is not the start of a line; cut at a line's first byte");
				}
			}
			Path saved = CutBytes.save(file, channel, offset, size);
			// Open checks the index against the file anyway; a cut file simply scans.
			IndexAtClose.delete(file);
			channel.truncate(offset);
			channel.force(true);
			return saved;
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot cut " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Accepts that segments a segmented journal's side files record were lost (deleted,
	 * or not restored from a backup), which its open refuses: the streams' summary and id
	 * filter are moved aside (beside the journal's directory, as
	 * {@code <journal>.<file>.missing-<time>}), so that the next open rebuilds them from
	 * the segments that are there. The lost events' positions will be given to new
	 * events. Refuses while a store holds the journal.
	 * @param journal a segmented journal's directory
	 * @return what was missing
	 * @throws EventStoreException if the journal is in use, not segmented, or missing
	 * nothing
	 */
	public static String acceptMissingSegments(Path journal) {
		Path directory = journal.toAbsolutePath().normalize();
		if (!Files.isDirectory(directory)) {
			throw new EventStoreException(
					"Cannot accept missing segments of " + directory + ": it is not a segmented journal's directory");
		}
		try (JournalLock lock = JournalLock.acquire(directory)) {
			List<Segments.Listed> segments = segments(lock.realPath());
			return MissingSegments.accept(lock.realPath(), segments.get(segments.size() - 1));
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot accept missing segments of " + directory + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * The byte offset of the line holding a position.
	 * @param journal the file
	 * @param position the position
	 * @return its line's offset
	 * @throws EventStoreException if no readable line holds it
	 */
	public static long offsetOf(Path journal, long position) {
		Segments.refuseInsideSegmentedJournal(journal.toAbsolutePath().normalize());
		long[] found = { -1 };
		Path file = lastFile(journal);
		LineScanner.scan(file, 0, (bytes, start, length, offset, line) -> {
			if (found[0] < 0 && length >= 0) {
				try {
					if (LineDecoder.decodeHeader(bytes, start, length).position() == position) {
						found[0] = offset;
					}
				}
				catch (LineFormatException ex) {
					// Not this one.
				}
			}
		}, (bytes) -> {
		});
		if (found[0] < 0) {
			throw new EventStoreException("No readable line of " + file + " holds position " + position
					+ (file.equals(journal) ? "" : " (of a segmented journal, only its last segment can be cut)"));
		}
		return found[0];
	}

	/** The file a cut applies to: the journal, or the last segment of a segmented one. */
	private static Path lastFile(Path journal) {
		if (!Files.isDirectory(journal)) {
			return journal;
		}
		List<Segments.Listed> segments = segments(journal);
		return segments.get(segments.size() - 1).path();
	}

	private static List<Segments.Listed> segments(Path directory) {
		try {
			List<Segments.Listed> segments = Segments.list(directory);
			if (segments.isEmpty()) {
				throw new EventStoreException("No journal segments in directory " + directory);
			}
			return segments;
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot list the segments of " + directory + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads a journal's events as an application writes it, without a lock: each
	 * {@link #poll()} returns the whole events written since the last (a batch only once
	 * all of it is there). In a segmented journal it moves on to the next segment once
	 * one exists, the one before being then complete. Not thread-safe.
	 */
	public static final class Reader implements AutoCloseable {

		/** The segmented journal's directory, or null for a single file. */
		private final @Nullable Path directory;

		private Path path;

		private FileChannel channel;

		private long segmentFirst;

		private long offset;

		private long lineNumber;

		private final Map<String, Long> versions = new HashMap<>();

		private final List<StoredEvent> pendingBatch = new ArrayList<>();

		private long pendingBatchEnd;

		/**
		 * @param journal the file, or a segmented journal's directory
		 * @throws EventStoreException if it cannot be opened
		 */
		public Reader(Path journal) {
			Segments.refuseInsideSegmentedJournal(journal.toAbsolutePath().normalize());
			this.directory = Files.isDirectory(journal) ? journal : null;
			Segments.Listed first = (this.directory != null) ? segments(journal).get(0) : null;
			this.path = (first != null) ? first.path() : journal;
			this.segmentFirst = (first != null) ? first.first() : 1;
			this.channel = open(this.path);
		}

		private static FileChannel open(Path file) {
			try {
				return FileChannel.open(file, StandardOpenOption.READ);
			}
			catch (IOException ex) {
				throw new EventStoreException("Cannot open journal " + file + ": " + ex.getMessage(), ex);
			}
		}

		/**
		 * The events written since the last poll.
		 * @return them, in position order
		 * @throws JournalCorruptedException at a damaged line
		 */
		public List<StoredEvent> poll() {
			return poll(Integer.MAX_VALUE);
		}

		/**
		 * The next events written since the last poll, a page at a time, so that memory
		 * holds no more than a page however long the journal.
		 * @param max how many events at most, unless a batch runs on past them (a batch
		 * is returned whole)
		 * @return them, in position order; empty once the reader is at the journal's end
		 * @throws JournalCorruptedException at a damaged line
		 * @throws IllegalArgumentException if {@code max} is not positive
		 */
		public List<StoredEvent> poll(int max) {
			if (max < 1) {
				throw new IllegalArgumentException("a page holds at least 1 event, not " + max);
			}
			List<StoredEvent> events = new ArrayList<>();
			while (true) {
				if (pollFile(events, max) || this.directory == null) {
					return events;
				}
				// A next segment means this one is complete: read what it gained
				// meanwhile first.
				Segments.Listed next = nextSegment();
				if (next == null || pollFile(events, max)) {
					return events;
				}
				close();
				this.path = next.path();
				this.segmentFirst = next.first();
				this.channel = open(this.path);
				this.offset = 0;
				this.lineNumber = 0;
			}
		}

		private Segments.@Nullable Listed nextSegment() {
			for (Segments.Listed segment : segments(Objects.requireNonNull(this.directory))) {
				if (segment.first() > this.segmentFirst && !segment.path().equals(this.path)) {
					return segment;
				}
			}
			return null;
		}

		/** Reads on in the current file; returns whether it stopped at a full page. */
		private boolean pollFile(List<StoredEvent> events, int max) {
			LineScanner.LineHandler handler = new LineScanner.LineHandler() {

				@Override
				public void line(byte[] bytes, int start, int length, long lineOffset, long line) {
					take(events, bytes, start, length, lineOffset);
				}

				@Override
				public boolean full() {
					return events.size() >= max && Reader.this.pendingBatch.isEmpty();
				}

			};
			this.offset = LineScanner.scan(this.channel, this.path, this.offset, handler, (bytes) -> {
			});
			return handler.full();
		}

		private void take(List<StoredEvent> events, byte[] bytes, int start, int length, long lineOffset) {
			this.lineNumber++;
			LineFormat.Decoded decoded;
			try {
				decoded = LineDecoder.decodeEvent(bytes, start, length);
			}
			catch (LineFormatException ex) {
				throw new JournalCorruptedException(this.path, this.lineNumber, lineOffset, ex.getMessage());
			}
			long version = (decoded.version() > 0) ? decoded.version()
					: this.versions.getOrDefault(decoded.streamId(), 0L) + 1;
			this.versions.put(decoded.streamId(), version);
			StoredEvent event = decoded.toEvent(version);
			if (decoded.batchEnd() > decoded.position() || this.pendingBatchEnd > 0) {
				this.pendingBatch.add(event);
				this.pendingBatchEnd = decoded.batchEnd();
				if (decoded.position() >= decoded.batchEnd()) {
					events.addAll(this.pendingBatch);
					this.pendingBatch.clear();
					this.pendingBatchEnd = 0;
				}
			}
			else {
				events.add(event);
			}
		}

		@Override
		public void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// Read-only: nothing to lose.
			}
		}

	}

}
