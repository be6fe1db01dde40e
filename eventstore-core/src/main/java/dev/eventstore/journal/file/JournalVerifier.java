package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.eventstore.journal.file.LineFormat.LineFormatException;

/**
 * The checks of {@link JournalFiles#verify}, line by line: checksum and JSON, gapless
 * positions, contiguous versions per stream, complete batches, lines of the original
 * format only before this store's. Not thread-safe: one a verification.
 */
final class JournalVerifier implements LineScanner.LineHandler {

	private final Consumer<JournalFiles.Problem> sink;

	final Map<String, Long> versions = new HashMap<>();

	long events;

	long problems;

	long first;

	long last;

	long expected = 1;

	private long lastLine;

	private boolean sawChecksummed;

	private long batchEnd;

	private long batchLine;

	private long batchOffset;

	Path file;

	JournalVerifier(Consumer<JournalFiles.Problem> sink) {
		this.sink = sink;
	}

	void problem(long line, long offset, String message) {
		this.problems++;
		this.sink.accept(new JournalFiles.Problem(this.file, line, offset, message));
	}

	@Override
	public boolean overlong(long offset, long line) {
		this.lastLine = line;
		problem(line, offset, "damaged line: " + LineScanner.OVERLONG);
		this.expected++;
		return true;
	}

	@Override
	public void line(byte[] bytes, int start, int length, long offset, long line) {
		if (length < 0) {
			finish(0);
			problem(this.lastLine + 1, offset, "the file ends with an unterminated line (a torn write)");
			return;
		}
		this.lastLine = line;
		LineFormat.Decoded decoded;
		try {
			decoded = LineDecoder.decodeHeader(bytes, start, length);
		}
		catch (LineFormatException ex) {
			problem(line, offset, "damaged line: " + ex.getMessage());
			this.expected++;
			return;
		}
		long position = decoded.position();
		if (decoded.checksummed()) {
			this.sawChecksummed = true;
		}
		else if (this.sawChecksummed) {
			problem(line, offset, "position " + position + " has no checksum after lines that have one");
		}
		if (position != this.expected) {
			problem(line, offset,
					"position " + position + " where " + this.expected + " was expected (a gap or a duplicate)");
		}
		this.expected = position + 1;
		long previous = this.versions.getOrDefault(decoded.streamId(), 0L);
		long version = (decoded.version() > 0) ? decoded.version() : previous + 1;
		if (version != previous + 1) {
			problem(line, offset, "stream '" + decoded.streamId() + "' jumps from version " + previous + " to "
					+ version + " at position " + position);
		}
		this.versions.put(decoded.streamId(), version);
		if (this.batchEnd > 0 && decoded.batchEnd() != this.batchEnd) {
			problem(line, offset, "the batch ending at position " + this.batchEnd + " is incomplete: position "
					+ position + " interrupts it");
			this.batchEnd = 0;
		}
		if (decoded.batchEnd() > position && this.batchEnd == 0) {
			this.batchEnd = decoded.batchEnd();
			this.batchLine = line;
			this.batchOffset = offset;
		}
		else if (this.batchEnd > 0 && position >= this.batchEnd) {
			this.batchEnd = 0;
		}
		this.events++;
		if (this.first == 0) {
			this.first = position;
		}
		this.last = position;
	}

	void finish(long size) {
		if (this.batchEnd > 0) {
			problem(this.batchLine, this.batchOffset,
					"the batch ending at position " + this.batchEnd + " is incomplete at the end of the file");
			this.batchEnd = 0;
		}
	}

}
