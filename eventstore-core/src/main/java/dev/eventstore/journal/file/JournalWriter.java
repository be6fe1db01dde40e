package dev.eventstore.journal.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The write side of a journal file: append, cut back, force. Implementations need not be
 * thread-safe for writes and truncation (the journal serialises them); {@link #sync()}
 * may run concurrently with a write.
 */
interface JournalWriter extends AutoCloseable {

	/**
	 * Appends bytes at the end of the file. On failure some of them may have been
	 * written.
	 */
	void write(byte[] bytes, int offset, int length) throws IOException;

	/** Cuts the file back to {@code size} bytes; later writes go there. */
	void truncate(long size) throws IOException;

	/** Forces written bytes to the storage device. */
	void sync() throws IOException;

	@Override
	void close() throws IOException;

	/** Opens the writer for a journal file. */
	@FunctionalInterface
	interface Opener {

		JournalWriter open(Path file, long size) throws IOException;

	}

	/**
	 * Writes through a {@link RandomAccessFile}: unlike a
	 * {@link java.nio.channels.FileChannel}, its I/O is not interruptible, so a caller's
	 * thread interrupt cannot close the journal under everyone else.
	 */
	final class RandomAccess implements JournalWriter {

		private final RandomAccessFile file;

		RandomAccess(Path path, long size) throws IOException {
			this.file = new RandomAccessFile(path.toFile(), "rw");
			this.file.seek(size);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.file.write(bytes, offset, length);
		}

		@Override
		public void truncate(long size) throws IOException {
			this.file.setLength(size);
			this.file.seek(size);
		}

		@Override
		public void sync() throws IOException {
			this.file.getFD().sync();
		}

		@Override
		public void close() throws IOException {
			this.file.close();
		}

	}

}
