package dev.eventstore.journal.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.eventstore.internal.DurableFiles;
import dev.eventstore.internal.IdTable;
import org.jspecify.annotations.Nullable;

/**
 * What a single-file journal's open would otherwise rebuild by scanning the whole file,
 * written beside it ({@code <journal>.index-at-close}) by a clean close: the line index,
 * each stream's positions, the event id table and where the file ends. Open trusts it
 * only when everything checks out, and otherwise scans as if it were not there:
 * <ul>
 * <li>its header's and its body's CRC-32C;</li>
 * <li>the journal still holds the bytes it covers: at least as many, the same first and
 * last 64 KiB of them (a CRC-32C of each), so a file replaced by another journal or cut
 * shorter is scanned;</li>
 * <li>a file of exactly the covered length has the modification time it had at the close,
 * so a foreign edit in place is scanned (and its damage found) as today.</li>
 * </ul>
 * A longer file is what a later writer left: appends after an open that crashed before
 * its own clean close. Its covered bytes are as the close left them (the journal only
 * appends, and recovery cuts only after whole batches), so open uses the covered part and
 * scans the rest: O(what was appended since the last clean close). The index is read
 * where it is memory-mapped, little-endian (the platforms' own order): nothing is copied
 * to the heap at open, streams are found through a hash table in the file
 * ({@link StreamTable}), and a stream's positions are copied once it is appended to. A
 * clean close replaces the file by renaming a new one over it, which leaves the mapped
 * one intact; like a sealed segment's index, it must not be cut by anything else while
 * the journal is open. The figures are in docs/performance.md.
 */
final class IndexAtClose {

	private static final System.Logger logger = System.getLogger(IndexAtClose.class.getName());

	static final String SUFFIX = ".index-at-close";

	private static final long MAGIC = 0x4553_434c_4f53_4544L; // "ESCLOSED"

	/** 2: streams in a hash table read in place ({@link StreamTable}); 1: a list. */
	private static final int FORMAT = 2;

	/**
	 * Bytes of the file's head and of its tail before the covered end that are checked.
	 */
	static final int CHECKED_BYTES = 64 << 10;

	/**
	 * The header: magic, format, covered length, modification time (ns), last position,
	 * legacy end, lines, events, streams, id slots, ids, head CRC, tail CRC, body CRC,
	 * header CRC.
	 */
	private static final int HEADER = 8 + 4 + 8 + 8 + 8 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4;

	private IndexAtClose() {
	}

	/** Where a journal's index at close lies. */
	static Path pathOf(Path journal) {
		return journal.resolveSibling(journal.getFileName() + SUFFIX);
	}

	/**
	 * What a clean close recorded: the state a scan of the file's first {@code length}
	 * bytes would build.
	 *
	 * @param index the line index of the covered lines
	 * @param ids where their event ids are stored
	 * @param length the bytes covered: the file's end at the close
	 * @param lastPosition the last covered position
	 * @param legacyEnd the last position of leading lines of the original format
	 * @param lines the covered lines, blank ones included (for messages)
	 */
	record State(JournalIndex index, IdTable ids, long length, long lastPosition, long legacyEnd, long lines) {

	}

	/**
	 * Records a single file's index after a clean close, replacing any earlier one
	 * atomically. A failure is logged and the file removed: the next open scans.
	 * @param journal the journal file, forced up to {@code state.length()}
	 * @param state what a scan of it would build
	 */
	static void write(Path journal, State state) {
		Path path = pathOf(journal);
		try {
			long[] offsets = state.index().lineOffsets();
			long[] slots = state.ids().slots();
			List<String> names = new ArrayList<>();
			List<long[]> streamPositions = new ArrayList<>();
			state.index().forEachStream((id, positions) -> {
				names.add(id);
				streamPositions.add(positions);
			});
			byte[][] ids = new byte[names.size()][];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
			}
			long[][] positions = streamPositions.toArray(new long[0][]);
			int[] bodyLengths = new int[ids.length];
			long bodies = 0;
			for (int i = 0; i < ids.length; i++) {
				bodyLengths[i] = 4 + 8 * positions[i].length;
				bodies += bodyLengths[i];
			}
			long bodySize = 8L * offsets.length + 8L * slots.length + StreamTable.size(ids, bodies);
			if (HEADER + bodySize > Integer.MAX_VALUE) {
				Files.deleteIfExists(path);
				return;
			}
			ByteBuffer buffer = ByteBuffer.allocate((int) (HEADER + bodySize)).order(ByteOrder.LITTLE_ENDIAN);
			buffer.position(HEADER);
			buffer.asLongBuffer().put(offsets);
			buffer.position(buffer.position() + 8 * offsets.length);
			buffer.asLongBuffer().put(slots);
			buffer.position(buffer.position() + 8 * slots.length);
			StreamTable.write(buffer, names.toArray(new String[0]), ids, bodyLengths, (out, stream) -> {
				out.putInt(positions[stream].length);
				out.asLongBuffer().put(positions[stream]);
				out.position(out.position() + 8 * positions[stream].length);
			});
			FileTime modified = Files.getLastModifiedTime(journal);
			int[] headAndTail;
			try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
				headAndTail = headAndTail(channel, state.length());
			}
			ByteBuffer header = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(0).limit(HEADER);
			header.putLong(MAGIC)
				.putInt(FORMAT)
				.putLong(state.length())
				.putLong(nanos(modified))
				.putLong(state.lastPosition())
				.putLong(state.legacyEnd())
				.putLong(state.lines())
				.putInt(offsets.length - 1)
				.putInt(ids.length)
				.putInt(slots.length)
				.putInt(state.ids().size())
				.putInt(headAndTail[0])
				.putInt(headAndTail[1])
				.putInt(SegmentIndex.crc(buffer, HEADER, (int) bodySize));
			header.putInt(SegmentIndex.crc(buffer, 0, HEADER - 4));
			buffer.position(0).limit(buffer.capacity());
			DurableFiles.replace(path, buffer);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING, "Journal {0}: could not record its index at close ({1}); the next open scans it",
					journal, ex.toString());
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException deleteFailure) {
				ex.addSuppressed(deleteFailure);
			}
		}
	}

	/** Removes a journal's index at close, if any; a failure is logged. */
	static void delete(Path journal) {
		try {
			Files.deleteIfExists(pathOf(journal));
		}
		catch (IOException ex) {
			logger.log(Level.WARNING, "Journal {0}: could not remove its index at close: {1}", journal, ex.toString());
		}
	}

	/**
	 * Loads the index a clean close recorded, if it is there and checks out against the
	 * journal.
	 * @param journal the journal file
	 * @param channel a channel reading it
	 * @return the state it records, or null to scan the file
	 */
	static @Nullable State load(Path journal, FileChannel channel) {
		Path path = pathOf(journal);
		try {
			Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".tmp"));
			String refused = null;
			State state = null;
			try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
				long size = file.size();
				if (size < HEADER || size > Integer.MAX_VALUE) {
					refused = "it is " + size + " bytes long";
				}
				else {
					MappedByteBuffer mapped = file.map(FileChannel.MapMode.READ_ONLY, 0, size);
					mapped.order(ByteOrder.LITTLE_ENDIAN);
					refused = refusal(journal, channel, mapped);
					if (refused == null) {
						state = read(mapped);
					}
				}
			}
			if (refused != null) {
				logger.log(Level.INFO, "Journal {0}: not using its index at close ({1}); scanning it", journal,
						refused);
			}
			return state;
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.INFO, "Journal {0}: not using its index at close ({1}); scanning it", journal,
					ex.toString());
			return null;
		}
	}

	/** Why the index may not be used, or null if it may. */
	private static @Nullable String refusal(Path journal, FileChannel channel, ByteBuffer index) throws IOException {
		if (index.getLong(0) != MAGIC || index.getInt(8) != FORMAT) {
			return "not an index at close of this format";
		}
		if (SegmentIndex.crc(index, 0, HEADER - 4) != index.getInt(HEADER - 4)) {
			return "its header's checksum does not match";
		}
		long length = index.getLong(12);
		long journalSize = channel.size();
		if (journalSize < length) {
			return "the journal is " + journalSize + " bytes, shorter than the " + length + " it covers";
		}
		if (journalSize == length && nanos(Files.getLastModifiedTime(journal)) != index.getLong(20)) {
			return "the journal was modified after it was written";
		}
		int[] headAndTail = headAndTail(channel, length);
		if (headAndTail[0] != index.getInt(HEADER - 16) || headAndTail[1] != index.getInt(HEADER - 12)) {
			return "the journal's bytes are not those it was written for";
		}
		if (SegmentIndex.crc(index, HEADER, index.capacity() - HEADER) != index.getInt(HEADER - 8)) {
			return "its body's checksum does not match";
		}
		return null;
	}

	/**
	 * The state the index records, read where it is mapped: the line starts, the streams'
	 * positions and the id table stay in the file's pages (nothing is copied), and what
	 * is appended later goes to the heap.
	 */
	private static State read(ByteBuffer index) {
		long length = index.getLong(12);
		long lastPosition = index.getLong(28);
		long legacyEnd = index.getLong(36);
		long lines = index.getLong(44);
		int events = index.getInt(52);
		int streams = index.getInt(56);
		int slotCount = index.getInt(60);
		int idCount = index.getInt(64);
		if (events != lastPosition || Integer.bitCount(slotCount) != 1 || idCount > slotCount) {
			throw new IllegalStateException("an index at close that does not add up");
		}
		int at = HEADER;
		LongBuffer lineStarts = longs(index, at, events);
		long end = index.getLong(at + 8 * events);
		at += 8 * (events + 1);
		LongBuffer slots = longs(index, at, slotCount);
		at += 8 * slotCount;
		// The streams stay where they are mapped, found through their hash table when
		// asked for: nothing a stream at open. A body: the count, then the positions.
		StreamTable recorded = new StreamTable(index, at, streams, (buffer, body) -> 4 + 8 * buffer.getInt(body));
		JournalIndex.Restored restored = new JournalIndex.Restored(lineStarts, events, end, recorded);
		if (end != length) {
			throw new IllegalStateException("an index at close that does not add up");
		}
		return new State(restored.index(), IdTable.over(slots, idCount), length, lastPosition, legacyEnd, lines);
	}

	/** {@code count} little-endian longs from byte {@code at}, where they are. */
	private static LongBuffer longs(ByteBuffer index, int at, int count) {
		if (count < 0 || at + 8L * count > index.capacity()) {
			throw new IllegalStateException("an index at close that does not add up");
		}
		return index.slice(at, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
	}

	/**
	 * CRC-32C of the file's first and last {@value #CHECKED_BYTES} bytes before the end.
	 */
	private static int[] headAndTail(FileChannel channel, long end) throws IOException {
		int head = (int) Math.min(end, CHECKED_BYTES);
		ByteBuffer bytes = ByteBuffer.allocate(head);
		read(channel, bytes, 0);
		int headCrc = SegmentIndex.crc(bytes.flip(), 0, head);
		bytes.clear();
		read(channel, bytes, end - head);
		return new int[] { headCrc, SegmentIndex.crc(bytes.flip(), 0, head) };
	}

	private static void read(FileChannel channel, ByteBuffer bytes, long at) throws IOException {
		long offset = at;
		while (bytes.hasRemaining()) {
			int read = channel.read(bytes, offset);
			if (read < 0) {
				throw new IOException("the journal ends before byte " + (at + bytes.limit()));
			}
			offset += read;
		}
	}

	private static long nanos(FileTime time) {
		return time.to(TimeUnit.NANOSECONDS);
	}

}
