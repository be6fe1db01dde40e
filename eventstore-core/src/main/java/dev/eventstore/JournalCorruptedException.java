package dev.eventstore;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a journal holds data that cannot be trusted, such as a damaged line in the
 * middle of the file; the store refuses to open rather than silently drop events.
 *
 * @since 0.1.0
 */
public class JournalCorruptedException extends EventStoreException {

	private static final long serialVersionUID = 1L;

	private final String file;

	private final long line;

	private final long offset;

	/**
	 * @param file the journal file
	 * @param line the 1-based line number, or 0 where it is not known
	 * @param offset the byte offset at which the damaged line starts
	 * @param reason what is wrong with it
	 */
	public JournalCorruptedException(Path file, long line, long offset, String reason) {
		this(file, line, offset, reason, null);
	}

	public JournalCorruptedException(Path file, long line, long offset, String reason, @Nullable Throwable cause) {
		super("Journal " + file + " is corrupted" + ((line > 0) ? " at line " + line : "") + " (byte offset " + offset
				+ "): " + reason, cause);
		this.file = file.toString();
		this.line = line;
		this.offset = offset;
	}

	/** The journal file. */
	public Path file() {
		return Path.of(this.file);
	}

	/** The 1-based line number of the damaged line, or 0 where it is not known. */
	public long line() {
		return this.line;
	}

	/** The byte offset at which the damaged line starts. */
	public long offset() {
		return this.offset;
	}

}
