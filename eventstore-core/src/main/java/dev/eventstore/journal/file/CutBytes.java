package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.eventstore.EventStoreException;
import dev.eventstore.internal.DurableFiles;

/**
 * Keeps what recovery cuts off a journal: before a byte is removed, the bytes are copied
 * to a side file next to the journal, named {@code <journal>.cut-<offset>-<time>}, and
 * forced to disk with its directory, so an operator can always look at them and put back
 * what was removed.
 */
final class CutBytes {

	static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private CutBytes() {
	}

	/**
	 * Copies {@code [from, to)} of the journal to a new side file and forces it.
	 * @param journal the journal file
	 * @param channel a channel that reads it
	 * @param from the first byte cut
	 * @param to the journal's size
	 * @return the side file
	 * @throws EventStoreException if the side file cannot be written: then nothing may be
	 * cut
	 */
	static Path save(Path journal, FileChannel channel, long from, long to) {
		String base = journal.getFileName() + ".cut-" + from + "-" + TIME.format(Instant.now());
		for (int attempt = 0;; attempt++) {
			Path side = journal.resolveSibling((attempt == 0) ? base : base + "-" + attempt);
			try (FileChannel out = FileChannel.open(side, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				long copied = 0;
				while (copied < to - from) {
					long n = channel.transferTo(from + copied, to - from - copied, out);
					if (n <= 0) {
						throw new IOException("the journal ended at byte " + (from + copied));
					}
					copied += n;
				}
				out.force(true);
			}
			catch (FileAlreadyExistsException ex) {
				continue;
			}
			catch (IOException ex) {
				try {
					Files.deleteIfExists(side);
				}
				catch (IOException cleanup) {
					ex.addSuppressed(cleanup);
				}
				throw new EventStoreException("Journal " + journal + " must be cut back to byte offset " + from
						+ ", but the " + (to - from) + " bytes after it could not be saved to " + side + " first: " + ex
						+ "; nothing was cut", ex);
			}
			DurableFiles.forceDirectory(journal.getParent());
			return side;
		}
	}

}
