package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.eventstore.EventStoreException;

/**
 * The bytes of one journal file (a single-file journal, or one segment of a segmented
 * one), read from memory maps where they cover the range, else with positional reads.
 * Thread-safe: reads run concurrently with each other and with appends; a reader
 * interrupted while reading (which closes a {@code FileChannel} for everyone) gets the
 * channel reopened.
 */
final class SegmentFile implements AutoCloseable {

	private final Path path;

	/** Serves reads of committed bytes without a system call each. */
	private final MappedReads mapped;

	private volatile FileChannel readChannel;

	/** How far the file is written (and committed), to map more of it. */
	private volatile long written;

	private final Runnable ensureOpen;

	/**
	 * @param path the file
	 * @param readChannel a channel open for reading it
	 * @param mappedEnd the byte offset to map up to now
	 * @param ensureOpen throws if the journal is closed
	 */
	SegmentFile(Path path, FileChannel readChannel, long mappedEnd, Runnable ensureOpen) {
		this.path = path;
		this.readChannel = readChannel;
		this.mapped = new MappedReads(path);
		this.mapped.mapTo(mappedEnd);
		this.written = mappedEnd;
		this.ensureOpen = ensureOpen;
	}

	/** Tells how far the file is now written; called by its one writer. */
	void written(long offset) {
		this.written = offset;
	}

	/** How far the file is written. */
	long written() {
		return this.written;
	}

	Path path() {
		return this.path;
	}

	/** Reads {@code length} bytes from {@code offset}, all of which are written. */
	byte[] read(long offset, int length) {
		byte[] bytes = new byte[length];
		if (this.mapped.read(offset, bytes, length)) {
			return bytes;
		}
		long written = this.written;
		if (written - this.mapped.end() > MappedReads.REMAP_AFTER) {
			this.mapped.mapTo(written);
			if (this.mapped.read(offset, bytes, length)) {
				return bytes;
			}
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		boolean interrupted = false;
		try {
			for (int attempt = 1;; attempt++) {
				FileChannel channel = this.readChannel;
				try {
					while (buffer.hasRemaining()) {
						if (channel.read(buffer, offset + buffer.position()) < 0) {
							throw new EventStoreException("Journal " + this.path + " ends before byte offset "
									+ (offset + length) + " that its index expects");
						}
					}
					return bytes;
				}
				catch (ClosedChannelException ex) {
					// An interrupted reader closes a FileChannel for everyone: reopen it
					// unless we are closing.
					this.ensureOpen.run();
					interrupted |= Thread.interrupted();
					if (attempt == 3) {
						throw new EventStoreException("Cannot read journal " + this.path + ": " + ex, ex);
					}
					reopenReadChannel(channel);
				}
				catch (IOException ex) {
					throw new EventStoreException(
							"Cannot read journal " + this.path + " at byte offset " + offset + ": " + ex, ex);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Maps the whole file: called once it is sealed and will not grow. */
	void mapAll() {
		this.mapped.mapTo(this.written);
	}

	private synchronized void reopenReadChannel(FileChannel broken) {
		if (this.readChannel != broken) {
			return;
		}
		try {
			this.readChannel = FileChannel.open(this.path, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot reopen journal " + this.path + " for reading: " + ex, ex);
		}
	}

	/** Unmaps the file and closes the read channel. */
	@Override
	public void close() throws IOException {
		try {
			this.mapped.close();
		}
		finally {
			this.readChannel.close();
		}
	}

}
