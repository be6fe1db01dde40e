package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import dev.eventstore.EventStoreException;
import dev.eventstore.JournalCorruptedException;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.LineFormat.LineFormatException;

/**
 * Reads of a journal file's committed events: finds their lines through the index, reads
 * adjacent lines with one call (from memory maps where they cover the bytes, else with
 * positional reads), and decodes them, checking each line is the position the index says
 * and carries its checksum. Thread-safe: reads run concurrently with each other and with
 * appends; a reader interrupted while reading (which closes a {@code FileChannel} for
 * everyone) gets the channel reopened.
 */
final class JournalReads implements AutoCloseable {

	/** Lines read with one call at most. */
	private static final int READ_CHUNK = 1024;

	/**
	 * Bytes read with one call at most, so that large events never overflow one array and
	 * a read never holds more than this at once.
	 */
	private static final int MAX_READ_BYTES = 4 * 1024 * 1024;

	private final Path path;

	private final JournalIndex index;

	/**
	 * The last position of the leading lines in the original Python format: the only
	 * lines read without a checksum.
	 */
	private final long legacyEnd;

	/** Serves reads of committed bytes without a system call each. */
	private final MappedReads mapped;

	/**
	 * The events stream reads decoded lately: 8,192 slots, at most a few megabytes of
	 * small events, enough for the working set of a service's hot aggregates.
	 */
	private final DecodedEvents decoded = new DecodedEvents(8192);

	private volatile FileChannel readChannel;

	private final LongSupplier writtenOffset;

	private final Runnable ensureOpen;

	/**
	 * @param path the journal file
	 * @param index its index
	 * @param legacyEnd the last position of lines in the original format
	 * @param readChannel a channel open for reading it
	 * @param mappedEnd the byte offset to map up to now
	 * @param writtenOffset how far the file is written, to map more of it
	 * @param ensureOpen throws if the journal is closed
	 */
	JournalReads(Path path, JournalIndex index, long legacyEnd, FileChannel readChannel, long mappedEnd,
			LongSupplier writtenOffset, Runnable ensureOpen) {
		this.path = path;
		this.index = index;
		this.legacyEnd = legacyEnd;
		this.readChannel = readChannel;
		this.mapped = new MappedReads(path);
		this.mapped.mapTo(mappedEnd);
		this.writtenOffset = writtenOffset;
		this.ensureOpen = ensureOpen;
	}

	/**
	 * A stream's events up to the committed position: those decoded lately from memory,
	 * the others from the file.
	 */
	List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount, long committed) {
		long[] positions = this.index.streamPositions(streamId, fromVersion, maxCount, committed);
		List<StoredEvent> events = new ArrayList<>(positions.length);
		long[] ranges = null;
		int i = 0;
		while (i < positions.length) {
			StoredEvent known = this.decoded.get(positions[i]);
			if (known != null) {
				events.add(known.view());
				i++;
				continue;
			}
			if (ranges == null) {
				ranges = this.index.ranges(positions);
			}
			// Read runs of adjacent lines not decoded lately with one call.
			int j = i;
			while (j + 1 < positions.length && ranges[2 * (j + 1)] == ranges[2 * j + 1] && j - i < READ_CHUNK
					&& ranges[2 * (j + 1) + 1] - ranges[2 * i] <= MAX_READ_BYTES
					&& this.decoded.get(positions[j + 1]) == null) {
				j++;
			}
			long start = ranges[2 * i];
			byte[] bytes = read(start, (int) (ranges[2 * j + 1] - start));
			int lineStart = 0;
			for (int k = i; k <= j; k++) {
				int length = (int) (ranges[2 * k + 1] - ranges[2 * k]);
				StoredEvent event = decode(bytes, lineStart, length, start + lineStart, positions[k], fromVersion + k);
				this.decoded.put(event);
				events.add(event.view());
				lineStart += length;
			}
			i = j + 1;
		}
		return events;
	}

	/** The log's events up to the committed position. */
	List<StoredEvent> readAll(long fromPosition, int maxCount, long committed) {
		long last = Math.min(committed, fromPosition + maxCount - 1);
		List<StoredEvent> events = new ArrayList<>((int) Math.max(0, Math.min(READ_CHUNK, last - fromPosition + 1)));
		for (long from = fromPosition, to; from <= last; from = to + 1) {
			to = Math.min(last, from + READ_CHUNK - 1);
			long[] range = this.index.range(from, to);
			while (range[1] - range[0] > MAX_READ_BYTES && to > from) {
				to = from + (to - from) / 2;
				range = this.index.range(from, to);
			}
			byte[] bytes = read(range[0], (int) (range[1] - range[0]));
			int lineStart = 0;
			long position = from;
			while (position <= to) {
				int newline = lineStart;
				while (bytes[newline] != '\n') {
					newline++;
				}
				if (!isBlank(bytes, lineStart, newline)) {
					events.add(decode(bytes, lineStart, newline - lineStart + 1, range[0] + lineStart, position, -1));
					position++;
				}
				lineStart = newline + 1;
			}
		}
		return events;
	}

	private static boolean isBlank(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Decodes one line (its newline included) that the index says holds {@code position}.
	 */
	private StoredEvent decode(byte[] bytes, int offset, int lengthWithNewline, long fileOffset, long position,
			long knownVersion) {
		LineFormat.Decoded line;
		try {
			line = LineDecoder.decodeEvent(bytes, offset, lengthWithNewline - 1);
		}
		catch (LineFormatException ex) {
			throw new JournalCorruptedException(this.path, 0, fileOffset,
					"the line of position " + position + " no longer reads back: " + ex.getMessage());
		}
		if (line.position() != position) {
			throw new JournalCorruptedException(this.path, 0, fileOffset,
					"expected position " + position + " but the line holds event_id " + line.position());
		}
		if (!line.checksummed() && position > this.legacyEnd) {
			throw new JournalCorruptedException(this.path, 0, fileOffset,
					"the line of position " + position
							+ " has lost its checksum; only lines of the original format before position "
							+ (this.legacyEnd + 1) + " are read without one");
		}
		long version = (knownVersion > 0) ? knownVersion
				: (line.version() > 0) ? line.version() : this.index.versionOf(line.streamId(), position);
		return line.toEvent(version);
	}

	private byte[] read(long offset, int length) {
		byte[] bytes = new byte[length];
		if (this.mapped.read(offset, bytes, length)) {
			return bytes;
		}
		long written = this.writtenOffset.getAsLong();
		if (written - this.mapped.end() > MappedReads.REMAP_AFTER) {
			this.mapped.mapTo(written);
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
