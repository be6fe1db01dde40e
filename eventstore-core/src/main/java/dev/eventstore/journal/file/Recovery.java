package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;

import dev.eventstore.JournalCorruptedException;
import dev.eventstore.internal.IdTable;
import dev.eventstore.journal.file.LineFormat.LineFormatException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a journal file once at open: validates every line, builds the index, and finds
 * where the last whole batch ends. What follows it (a torn line, a damaged last line, an
 * incomplete batch) is what a crash mid-write leaves, and is to be cut off; a damaged
 * line with valid lines after it is corruption, and fails the open, and so does a file
 * none of whose lines is a journal line unless it looks like a torn first write. Lines of
 * the original Python format, which carry no checksum, are accepted only before the first
 * line of this store's format.
 */
final class Recovery {

	private final Path path;

	private final JournalIndex index;

	private final IdTable ids;

	/** Where the scan starts: 0, or the end a clean close recorded. */
	private final long start;

	/** Ids of the batch being read: they enter the table once the batch is whole. */
	private final List<UUID> pendingIds = new ArrayList<>();

	private long lineNumber;

	private long expectedPosition;

	/** Position of the last event of the batch being read, or -1 outside a batch. */
	private long openBatchEnd = -1;

	private @Nullable String openBatchStream;

	/** End of the last whole batch: everything before it is kept. */
	private long keptEnd;

	private long keptPosition;

	/** The lines up to {@link #keptEnd}, blank ones included. */
	private long keptLines;

	private @Nullable DamagedLine firstDamaged;

	/** Lines that decoded as journal lines, kept or not. */
	private long validLines;

	/**
	 * Whether every damaged line and the torn tail look like the start of a journal line,
	 * or are zero fill: what a crash mid-write leaves.
	 */
	private boolean damageLooksTorn = true;

	/** The last position of the leading lines of the original, unchecksummed format. */
	private long legacyEnd;

	private boolean sawChecksummed;

	private Recovery(Path path, long base, ToLongFunction<String> versionBefore, boolean checksummedBefore) {
		this.path = path;
		this.index = new JournalIndex(base, versionBefore);
		this.ids = new IdTable();
		this.start = 0;
		this.expectedPosition = base + 1;
		this.keptPosition = base;
		this.sawChecksummed = checksummedBefore;
	}

	/** Goes on from what a clean close recorded of the file's first bytes. */
	private Recovery(Path path, IndexAtClose.State closed) {
		this.path = path;
		this.index = closed.index();
		this.ids = closed.ids();
		this.start = closed.length();
		this.lineNumber = closed.lines();
		this.keptLines = closed.lines();
		this.expectedPosition = closed.lastPosition() + 1;
		this.keptPosition = closed.lastPosition();
		this.keptEnd = closed.length();
		this.validLines = closed.lastPosition();
		this.legacyEnd = closed.legacyEnd();
		this.sawChecksummed = closed.lastPosition() > closed.legacyEnd();
	}

	/**
	 * Scans a journal.
	 * @param path the journal, for messages
	 * @param channel a channel to read it
	 * @return what to keep
	 * @throws JournalCorruptedException if a damaged line is followed by valid ones
	 * @throws IOException if the file cannot be read
	 */
	static Result scan(Path path, FileChannel channel) throws IOException {
		return scan(path, channel, 0, (streamId) -> 0, false);
	}

	/**
	 * Scans one segment of a segmented journal.
	 * @param path the segment, for messages
	 * @param channel a channel to read it
	 * @param base the last position before the segment's first
	 * @param versionBefore each stream's version before the segment
	 * @param checksummedBefore whether lines of this store's format come before it, so
	 * that lines of the original format may no longer follow
	 * @return what to keep
	 * @throws JournalCorruptedException if a damaged line is followed by valid ones
	 * @throws IOException if the file cannot be read
	 */
	static Result scan(Path path, FileChannel channel, long base, ToLongFunction<String> versionBefore,
			boolean checksummedBefore) throws IOException {
		Recovery recovery = new Recovery(path, base, versionBefore, checksummedBefore);
		long fileSize = channel.size();
		boolean tornTail = recovery.readLines(channel);
		return recovery.result(fileSize, tornTail);
	}

	/**
	 * Scans a single-file journal after what a clean close recorded of it: only the lines
	 * after the bytes it covers, usually none.
	 * @param path the journal, for messages
	 * @param channel a channel to read it
	 * @param closed the state of its first {@code closed.length()} bytes
	 * @return what to keep
	 * @throws JournalCorruptedException if a damaged line is followed by valid ones
	 * @throws IOException if the file cannot be read
	 */
	static Result scan(Path path, FileChannel channel, IndexAtClose.State closed) throws IOException {
		Recovery recovery = new Recovery(path, closed);
		long fileSize = channel.size();
		boolean tornTail = recovery.readLines(channel);
		return recovery.result(fileSize, tornTail);
	}

	/**
	 * Feeds each complete line to {@link #line}; returns whether bytes without a newline
	 * remain.
	 */
	private boolean readLines(FileChannel channel) throws IOException {
		byte[] buffer = new byte[1 << 20];
		long bufferOffset = this.start;
		int filled = 0;
		int scan = 0;
		boolean eof = false;
		while (true) {
			int newline = indexOf(buffer, scan, filled, (byte) '\n');
			if (newline >= 0) {
				long start = bufferOffset + scan;
				line(buffer, scan, newline - scan, start, start + (newline - scan) + 1);
				scan = newline + 1;
				continue;
			}
			if (eof) {
				if (scan < filled) {
					noteDamage(buffer, scan, filled - scan);
					return true;
				}
				return false;
			}
			System.arraycopy(buffer, scan, buffer, 0, filled - scan);
			bufferOffset += scan;
			filled -= scan;
			scan = 0;
			if (filled > LineFormat.MAX_LINE_BYTES) {
				long next = overlongLine(channel, buffer, filled, bufferOffset);
				if (next < 0) {
					return true;
				}
				bufferOffset = next;
				filled = 0;
				continue;
			}
			if (filled == buffer.length) {
				buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, LineFormat.MAX_LINE_BYTES + 2));
			}
			ByteBuffer target = ByteBuffer.wrap(buffer, filled, buffer.length - filled);
			int read = channel.read(target, bufferOffset + filled);
			if (read < 0) {
				eof = true;
			}
			else {
				filled += read;
			}
		}
	}

	/**
	 * Handles a line longer than any event, without buffering it: it is damage (as a
	 * damaged line is), and the bytes up to its newline are skipped.
	 * @param buffer its first {@code filled} bytes
	 * @return the offset after its newline, or -1 if the file ends first
	 */
	private long overlongLine(FileChannel channel, byte[] buffer, int filled, long start) throws IOException {
		this.lineNumber++;
		if (this.firstDamaged == null) {
			this.firstDamaged = new DamagedLine(this.lineNumber, start, "a line of more than "
					+ LineFormat.MAX_LINE_BYTES + " bytes, longer than any event can be written as (zero fill?)");
		}
		noteDamage(buffer, 0, filled);
		long at = start + filled;
		ByteBuffer chunk = ByteBuffer.wrap(buffer);
		while (true) {
			chunk.clear();
			int read = channel.read(chunk, at);
			if (read < 0) {
				return -1;
			}
			int newline = indexOf(buffer, 0, read, (byte) '\n');
			if (newline >= 0) {
				return at + newline + 1;
			}
			at += read;
		}
	}

	private void line(byte[] bytes, int offset, int length, long start, long end) {
		this.lineNumber++;
		if (isBlank(bytes, offset, length)) {
			if (this.openBatchEnd == -1 && this.firstDamaged == null) {
				this.keptEnd = end;
				this.keptLines = this.lineNumber;
			}
			return;
		}
		LineFormat.Decoded line;
		try {
			line = LineDecoder.decodeHeader(bytes, offset, length);
			if (!line.checksummed() && this.sawChecksummed) {
				throw new LineFormatException(
						"a line without a checksum after lines of this store's format, " + "which always carry one");
			}
		}
		catch (LineFormatException ex) {
			if (this.firstDamaged == null) {
				this.firstDamaged = new DamagedLine(this.lineNumber, start, ex.getMessage());
			}
			noteDamage(bytes, offset, length);
			return;
		}
		this.validLines++;
		if (this.firstDamaged != null) {
			DamagedLine damaged = this.firstDamaged;
			throw new JournalCorruptedException(this.path, damaged.line(), damaged.offset(), damaged.reason()
					+ "; valid events follow it at line " + this.lineNumber + ", so it is not a torn write");
		}
		if (line.position() != this.expectedPosition) {
			throw corrupted(start, "event_id " + line.position() + " where " + this.expectedPosition + " was expected");
		}
		long derivedVersion = this.index.lastVersion(line.streamId()) + 1;
		if (line.version() != -1 && line.version() != derivedVersion) {
			throw corrupted(start, "version " + line.version() + " of stream '" + line.streamId()
					+ "' where the events before it make it " + derivedVersion);
		}
		checkBatch(line, start);
		if (line.checksummed()) {
			this.sawChecksummed = true;
		}
		else {
			this.legacyEnd = line.position();
		}
		this.index.add(line.streamId(), start, new int[] { 0 }, end);
		this.expectedPosition++;
		if (line.id() != null) {
			this.pendingIds.add(line.id());
		}
		if (this.openBatchEnd == -1 || line.position() == this.openBatchEnd) {
			long first = line.position() - this.pendingIds.size() + 1;
			for (int i = 0; i < this.pendingIds.size(); i++) {
				this.ids.add(this.pendingIds.get(i), first + i);
			}
			this.pendingIds.clear();
			this.openBatchEnd = -1;
			this.openBatchStream = null;
			this.keptEnd = end;
			this.keptLines = this.lineNumber;
			this.keptPosition = line.position();
		}
	}

	private void checkBatch(LineFormat.Decoded line, long start) {
		if (line.batchEnd() == -1) {
			if (this.openBatchEnd != -1) {
				throw corrupted(start, "a single event inside the batch ending at position " + this.openBatchEnd);
			}
			return;
		}
		if (line.batchEnd() < line.position()) {
			throw corrupted(start, "batch_end " + line.batchEnd() + " before the event's own position");
		}
		if (this.openBatchEnd == -1) {
			this.openBatchEnd = line.batchEnd();
			this.openBatchStream = line.streamId();
		}
		else if (line.batchEnd() != this.openBatchEnd || !line.streamId().equals(this.openBatchStream)) {
			throw corrupted(start, "the event does not belong to the batch of stream '" + this.openBatchStream
					+ "' ending at position " + this.openBatchEnd + " that it interrupts");
		}
	}

	private void noteDamage(byte[] bytes, int offset, int length) {
		int at = offset;
		int end = offset + length;
		while (at < end && (bytes[at] == 0 || isWhitespace(bytes[at]))) {
			at++;
		}
		if (at < end && !startsWithEventId(bytes, at, end)) {
			this.damageLooksTorn = false;
		}
	}

	/** {@code {"event_id"}, the start of every journal line, or a torn prefix of it. */
	private static boolean startsWithEventId(byte[] bytes, int at, int end) {
		int n = Math.min(EVENT_ID_KEY.length, end - at);
		return Arrays.equals(bytes, at, at + n, EVENT_ID_KEY, 0, n);
	}

	private static final byte[] EVENT_ID_KEY = "{\"event_id\"".getBytes(StandardCharsets.US_ASCII);

	private static boolean isWhitespace(byte b) {
		return b == ' ' || b == '\t' || b == '\r' || b == '\n';
	}

	private JournalCorruptedException corrupted(long offset, String reason) {
		return new JournalCorruptedException(this.path, this.lineNumber, offset, reason);
	}

	private Result result(long fileSize, boolean tornTail) {
		if (this.validLines == 0 && !this.damageLooksTorn) {
			String found = (this.firstDamaged != null) ? "line 1: " + this.firstDamaged.reason() : "no line ends";
			throw new JournalCorruptedException(this.path, 1, 0,
					"not a journal: none of its " + fileSize + " bytes is a valid journal line, and they are not what "
							+ "a crash mid-write leaves (" + found + "); the file was left untouched");
		}
		List<String> reasons = new ArrayList<>();
		if (this.openBatchEnd != -1) {
			reasons.add("an incomplete batch (its last event, position " + this.openBatchEnd + ", is missing)");
		}
		if (this.firstDamaged != null) {
			reasons.add("a damaged last line " + this.firstDamaged.line() + " (" + this.firstDamaged.reason() + ")");
		}
		if (tornTail) {
			reasons.add("a torn last line (no newline)");
		}
		this.index.truncate(this.keptPosition, this.keptEnd);
		String reason = reasons.isEmpty() ? null : String.join(", ", reasons);
		return new Result(this.index, this.keptEnd, this.keptPosition, fileSize, reason,
				Math.min(this.legacyEnd, this.keptPosition), this.ids, this.keptLines);
	}

	private static boolean isBlank(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			byte b = bytes[i];
			if (b != ' ' && b != '\t' && b != '\r') {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] bytes, int from, int to, byte value) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * What a scan found.
	 *
	 * @param index the index of the kept events
	 * @param keptEnd where the last whole batch ends; the file is cut back to it
	 * @param lastPosition the position of the last kept event
	 * @param fileSize the file's size before recovery
	 * @param truncationReason why bytes after {@code keptEnd} are dropped, null when none
	 * are
	 * @param legacyEnd the last position of the leading lines of the original Python
	 * format, read without a checksum; every later line must carry one
	 * @param ids where the kept events' ids are stored
	 * @param lines the lines kept, blank ones included
	 */
	record Result(JournalIndex index, long keptEnd, long lastPosition, long fileSize, @Nullable String truncationReason,
			long legacyEnd, IdTable ids, long lines) {

	}

	private record DamagedLine(long line, long offset, String reason) {

	}

}
