package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.LongConsumer;

import dev.eventstore.EventStoreException;
import dev.eventstore.JournalCorruptedException;

/**
 * Reads a journal file's lines in order for the operators' tools ({@link JournalFiles})
 * and conversion ({@link Segments}), a buffer at a time: each complete, non-blank line
 * goes to a {@link LineHandler}; a line longer than any event is skipped without being
 * buffered, told to the handler as damage. Stateless.
 */
final class LineScanner {

	static final String OVERLONG = "a line of more than " + LineFormat.MAX_LINE_BYTES
			+ " bytes, longer than any event can be written as (zero fill or other damage)";

	private LineScanner() {
	}

	/** One complete line. */
	@FunctionalInterface
	interface LineHandler {

		void line(byte[] bytes, int start, int length, long offset, long lineNumber);

		/**
		 * Told of a line longer than any event can be written as, which is skipped.
		 * @return whether the handler reported it; if not, the scan fails on it
		 */
		default boolean overlong(long offset, long lineNumber) {
			return false;
		}

		/** Whether to stop after the line just handed over. */
		default boolean full() {
			return false;
		}

		/** Called once the lines up to {@code end} were handed over. */
		default void end(long end) {
		}

	}

	/**
	 * Hands each complete, non-blank line before {@code limit} to the handler, then tells
	 * it where they end.
	 */
	static void scanLines(FileChannel channel, Path journal, long limit, LineHandler handler) {
		long end = scan(channel, journal, 0, limit, handler, (bytes) -> {
		});
		handler.end(end);
	}

	static long scan(Path journal, long from, LineHandler handler, LongConsumer progress) {
		try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
			long end = scan(channel, journal, from, handler, progress);
			long size = channel.size();
			if (end < size) {
				handler.line(null, 0, -1, end, -1);
			}
			return size;
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot read journal " + journal + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Hands each complete, non-blank line from an offset on to the handler; returns the
	 * offset after the last complete line.
	 */
	static long scan(FileChannel channel, Path journal, long from, LineHandler handler, LongConsumer progress) {
		return scan(channel, journal, from, Long.MAX_VALUE, handler, progress);
	}

	private static long scan(FileChannel channel, Path journal, long from, long limit, LineHandler handler,
			LongConsumer progress) {
		byte[] buffer = new byte[1 << 20];
		int filled = 0;
		long bufferStart = from;
		long lineNumber = 0;
		try {
			while (true) {
				if (filled > LineFormat.MAX_LINE_BYTES) {
					// Damage, not an event: skipped without buffering it.
					lineNumber++;
					if (!handler.overlong(bufferStart, lineNumber)) {
						throw new JournalCorruptedException(journal, lineNumber, bufferStart, OVERLONG);
					}
					long next = skipLine(channel, buffer, bufferStart + filled, limit);
					if (next < 0) {
						return bufferStart;
					}
					bufferStart = next;
					filled = 0;
				}
				if (filled == buffer.length) {
					buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, LineFormat.MAX_LINE_BYTES + 2));
				}
				int wanted = (int) Math.min(buffer.length - filled, limit - bufferStart - filled);
				int read = (wanted <= 0) ? -1
						: channel.read(ByteBuffer.wrap(buffer, filled, wanted), bufferStart + filled);
				if (read <= 0) {
					return bufferStart;
				}
				filled += read;
				int lineStart = 0;
				for (int i = 0; i < filled; i++) {
					if (buffer[i] == '\n') {
						lineNumber++;
						if (!isBlank(buffer, lineStart, i)) {
							handler.line(buffer, lineStart, i - lineStart, bufferStart + lineStart, lineNumber);
							if (handler.full()) {
								return bufferStart + i + 1;
							}
						}
						lineStart = i + 1;
					}
				}
				System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
				filled -= lineStart;
				bufferStart += lineStart;
				progress.accept(bufferStart);
			}
		}
		catch (IOException ex) {
			throw new EventStoreException("Cannot read journal " + journal + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads on from {@code at} to the next newline; returns the offset after it, or -1 if
	 * the file (or the limit) ends first.
	 */
	private static long skipLine(FileChannel channel, byte[] buffer, long at, long limit) throws IOException {
		while (at < limit) {
			int read = channel.read(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, limit - at)), at);
			if (read <= 0) {
				return -1;
			}
			for (int i = 0; i < read; i++) {
				if (buffer[i] == '\n') {
					return at + i + 1;
				}
			}
			at += read;
		}
		return -1;
	}

	private static boolean isBlank(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
				return false;
			}
		}
		return true;
	}

}
