package dev.eventstore.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.jspecify.annotations.Nullable;

/**
 * Files written whole and durably: to {@code <name>.tmp}, forced, renamed into place, and
 * the directory forced, so that after a crash the file holds the old content or the new,
 * whole, and a rename the file system acknowledged is not forgotten. The journal, the
 * checkpoint, snapshot and key stores write their small files this way. Not API.
 */
public final class DurableFiles {

	private static final System.Logger logger = System.getLogger(DurableFiles.class.getName());

	private DurableFiles() {
	}

	/**
	 * Replaces a file's content, or creates the file.
	 * @param file the file
	 * @param content its new content, from its position to its limit
	 * @throws IOException if it cannot be written (an
	 * {@link java.nio.file.AtomicMoveNotSupportedException} when the file system cannot
	 * rename atomically)
	 */
	public static void replace(Path file, ByteBuffer content) throws IOException {
		moveIntoPlace(writeTemporary(file, content), file);
		forceDirectory(file.getParent());
	}

	/**
	 * Replaces a file's content, or creates the file.
	 * @param file the file
	 * @param content its new content
	 * @throws IOException if it cannot be written
	 */
	public static void replace(Path file, byte[] content) throws IOException {
		replace(file, ByteBuffer.wrap(content));
	}

	/**
	 * Replaces a file's content like {@link #replace(Path, byte[])} but leaves the
	 * directory unforced: for a file whose loss in a crash costs only time (a snapshot,
	 * rebuilt from its stream), so that writing it does not wait for a second force. The
	 * file is still whole or absent after a crash, never torn.
	 * @param file the file
	 * @param content its new content
	 * @throws IOException if it cannot be written
	 */
	public static void replaceWithoutForcingDirectory(Path file, byte[] content) throws IOException {
		moveIntoPlace(writeTemporary(file, ByteBuffer.wrap(content)), file);
	}

	/**
	 * Forces a directory's entries to disk: after a file in it is created, renamed or
	 * deleted. Some platforms cannot open a directory for that; there the files' own
	 * forces are what holds, and this logs at DEBUG.
	 * @param directory the directory; nothing is done for null
	 */
	public static void forceDirectory(@Nullable Path directory) {
		if (directory == null) {
			return;
		}
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Could not force directory " + directory, ex);
		}
	}

	/**
	 * Renames the temporary file over the file; if that fails, the temporary is removed.
	 */
	private static void moveIntoPlace(Path temporary, Path file) throws IOException {
		try {
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			Files.deleteIfExists(temporary);
			throw ex;
		}
	}

	private static Path writeTemporary(Path file, ByteBuffer content) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
			while (content.hasRemaining()) {
				channel.write(content);
			}
			channel.force(true);
		}
		return temporary;
	}

}
