package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a real journal file through {@link JournalWriter.RandomAccess} and fails on
 * command, the way a full or failing disk does: a write can stop halfway.
 */
final class FaultyWriter implements JournalWriter {

	private final JournalWriter delegate;

	/** Fail the next write after writing this many of its bytes; -1 for no failure. */
	volatile int failNextWriteAfter = -1;

	volatile boolean failNextSync;

	volatile int failTruncates;

	volatile int syncs;

	FaultyWriter(Path path, long size) throws IOException {
		this.delegate = new JournalWriter.RandomAccess(path, size);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		int partial = this.failNextWriteAfter;
		if (partial >= 0) {
			this.failNextWriteAfter = -1;
			this.delegate.write(bytes, offset, Math.min(partial, length));
			throw new IOException("No space left on device (injected)");
		}
		this.delegate.write(bytes, offset, length);
	}

	@Override
	public void truncate(long size) throws IOException {
		if (this.failTruncates > 0) {
			this.failTruncates--;
			throw new IOException("Input/output error (injected, truncate)");
		}
		this.delegate.truncate(size);
	}

	@Override
	public void sync() throws IOException {
		this.syncs++;
		if (this.failNextSync) {
			this.failNextSync = false;
			throw new IOException("Input/output error (injected, fsync)");
		}
		this.delegate.sync();
	}

	@Override
	public void close() throws IOException {
		this.delegate.close();
	}

}
