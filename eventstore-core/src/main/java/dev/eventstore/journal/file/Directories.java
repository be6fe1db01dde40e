package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Makes a directory's entries durable: after a file is created, renamed or deleted, the
 * directory itself is forced, or a crash may forget the change even though the file's own
 * bytes were forced. Every class of the file journal uses it.
 */
final class Directories {

	private static final System.Logger logger = System.getLogger(Directories.class.getName());

	private Directories() {
	}

	/**
	 * Replaces a file's content atomically and durably: written to {@code <name>.tmp},
	 * forced, renamed over the file, and the directory forced. After a crash the file
	 * holds the old content or the new, whole; a {@code .tmp} left behind is removed by
	 * the next open.
	 * @param file the file
	 * @param content its new content, from its position to its limit
	 * @throws IOException if it cannot be written
	 */
	static void replace(Path file, ByteBuffer content) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
			while (content.hasRemaining()) {
				channel.write(content);
			}
			channel.force(true);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		sync(file.getParent());
	}

	/**
	 * Forces a directory's entries to disk.
	 * @param directory the directory
	 */
	static void sync(Path directory) {
		try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (IOException ex) {
			// Some platforms cannot open a directory for sync; the file's own fsyncs
			// still hold.
			logger.log(Level.DEBUG, "Could not fsync directory " + directory, ex);
		}
	}

}
