package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;

/**
 * Which journal a file belongs to. A single-file journal's id is its first event's; a
 * segmented journal keeps its id in {@code journal.id}, written when it is created (or
 * first opened by a release that knows of ids): its first event's id, so that a converted
 * journal keeps the id it had, or a random one while it has no event; the streams'
 * summary and the id filter record it and are rebuilt when they carry another. A segment
 * is tied to its journal by its fingerprint: the summary records each sealed segment's,
 * its index carries it too, and a segment whose bytes do not match is refused (a segment
 * of another journal, however alike) or its index rebuilt (an index of another). Events
 * carry random ids, so two journals' segments differ even when their streams, types and
 * sizes agree.
 */
final class JournalIdentity {

	private static final System.Logger logger = System.getLogger(JournalIdentity.class.getName());

	static final String FILE = "journal.id";

	/**
	 * The id of a line's event, which the line format writes second, after its position.
	 */
	private static final Pattern FIRST_ID = Pattern.compile("^\\{\"event_id\":\\d+,\"uuid\":\"([0-9a-f-]{36})\"");

	/** Bytes read at each end of a segment for its fingerprint. */
	private static final int ENDS = 4096;

	private JournalIdentity() {
	}

	/**
	 * The id of a segmented journal, created if it has none yet.
	 * @param directory the journal's directory, whose lock the caller holds
	 * @return its id
	 * @throws IOException if it cannot be read or written
	 */
	static UUID readOrCreate(Path directory) throws IOException {
		Path file = directory.resolve(FILE);
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
			return UUID.fromString(text);
		}
		catch (NoSuchFileException ex) {
			return create(file);
		}
		catch (IllegalArgumentException | IOException ex) {
			// Its side files, recording the old id, are rebuilt; its segments stay.
			logger.log(Level.WARNING, "Journal {0}: {1} is damaged ({2}); giving the journal a new id", directory, FILE,
					ex.toString());
			return create(file);
		}
	}

	/**
	 * The id of a segmented journal if it has one.
	 * @param directory the journal's directory
	 * @return its id, or null if it has none or it cannot be read
	 */
	static @Nullable UUID read(Path directory) {
		try {
			return UUID.fromString(Files.readString(directory.resolve(FILE), StandardCharsets.US_ASCII).strip());
		}
		catch (IOException | IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * The id of the first event of a journal file, read from the start of its first line:
	 * the id of a single-file journal, and the one its segmented journal keeps after a
	 * conversion. Events carry random ids, so two journals' first events differ.
	 * @param file a single-file journal or the first segment
	 * @return the id, or null when the file is empty, unreadable or its first line has
	 * none
	 */
	static @Nullable UUID firstEventId(Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer start = ByteBuffer.allocate((int) Math.min(256, channel.size()));
			while (start.hasRemaining() && channel.read(start, start.position()) > 0) {
				// Read what there is of the start.
			}
			Matcher id = FIRST_ID.matcher(new String(start.array(), 0, start.position(), StandardCharsets.US_ASCII));
			return id.find() ? UUID.fromString(id.group(1)) : null;
		}
		catch (IOException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static UUID create(Path file) throws IOException {
		// A journal converted from a single file keeps that file's id, its first event's.
		UUID first = firstEventId(Segments.segmentPath(file.getParent(), 1));
		UUID id = (first != null) ? first : UUID.randomUUID();
		DurableFiles.replace(file, ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
		return id;
	}

	/**
	 * A sealed segment's fingerprint: a CRC-32C of its size and of the bytes at both of
	 * its ends, which hold its first and last events' random ids. Never 0.
	 * @param segment the segment
	 * @return its fingerprint
	 * @throws IOException if it cannot be read
	 */
	static int fingerprint(Path segment) throws IOException {
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
			long size = channel.size();
			CRC32C crc = new CRC32C();
			crc.update(ByteBuffer.allocate(8).putLong(0, size));
			crc.update(read(channel, 0, (int) Math.min(ENDS, size)));
			crc.update(read(channel, Math.max(0, size - ENDS), (int) Math.min(ENDS, size)));
			int value = (int) crc.getValue();
			return (value != 0) ? value : 1;
		}
	}

	private static ByteBuffer read(FileChannel channel, long from, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer, from + buffer.position()) < 0) {
				throw new IOException("the segment ended at byte " + (from + buffer.position()));
			}
		}
		return buffer.flip();
	}

}
