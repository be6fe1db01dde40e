package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
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
