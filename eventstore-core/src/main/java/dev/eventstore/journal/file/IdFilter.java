package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;

import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;

/**
 * Tells that an event id is certainly not stored in any sealed segment, so that the retry
 * check of an append (every event id is looked up) does not probe every segment's id
 * table: a blocked Bloom filter over the fingerprints of the sealed segments' ids, 16
 * bits an id, 6 bits set in one 64-byte block (one cache line) each, a false positive
 * rate near 0.1 %. A positive is confirmed in the segments' indexes, so the filter can
 * only cost time, never a wrong answer.
 *
 * <p>
 * It lives in {@code ids.filter}, memory-mapped, not on the heap. Sealing a segment sets
 * its ids' bits, then records in the header how far the filter covers and the body's
 * CRC-32C; the file is not forced, as a power loss that keeps some of its pages and not
 * others fails the checksum. The header is checked on open, the body (tens of megabytes
 * for tens of millions of ids) in the background after it ({@link SideFiles}); a filter
 * that does not check out is rebuilt from the segments' indexes, one that covers fewer
 * segments than are sealed gets the missing ones added. Hand-written rather than Guava's,
 * which lives on the heap and has no file format of its own. One thread adds; lookups may
 * run meanwhile and trust only the segments before {@link #end()}, whose bits were all
 * set before it was published.
 */
final class IdFilter implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(IdFilter.class.getName());

	static final String FILE = "ids.filter";

	private static final long MAGIC = 0x4553_4944_4649_4C32L; // "ESIDFIL2"

	/**
	 * Magic, end, ids, the body's CRC-32C, the journal's id (at 32), and the header's own
	 * CRC-32C (at 60).
	 */
	private static final int HEADER = 64;

	private static final int HEADER_CRC = 60;

	private static final int BLOCK = 64;

	private static final int BITS_PER_ID = 16;

	private final Path path;

	private final FileChannel channel;

	private final MappedByteBuffer buffer;

	private final int blocks;

	/** How many ids it was sized for; past them it is rebuilt twice as large. */
	private final long capacity;

	private long ids;

	/**
	 * The first position after the segments it covers: written by one thread after the
	 * bits, read by appends before them.
	 */
	private volatile long end;

	private volatile boolean verified;

	private IdFilter(Path path, FileChannel channel, MappedByteBuffer buffer, int blocks, long ids, long end) {
		this.path = path;
		this.channel = channel;
		this.buffer = buffer;
		this.blocks = blocks;
		this.capacity = (long) blocks * BLOCK * 8 / BITS_PER_ID;
		this.ids = ids;
		this.end = end;
	}

	/** The first position after the segments it covers. */
	long end() {
		return this.end;
	}

	/**
	 * Opens the filter, or builds it from the sealed segments' indexes when it is
	 * missing, damaged or too small; adds the segments it does not cover yet.
	 * @param directory the journal's directory
	 * @param sealed the sealed segments
	 * @return the filter, covering them all
	 * @throws IOException if it cannot be read or written
	 */
	static IdFilter open(Path directory, SealedSegments sealed) throws IOException {
		Path file = directory.resolve(FILE);
		long sealedIds = sealed.lastPosition();
		UUID journal = sealed.streams().journal();
		IdFilter filter = (Files.isRegularFile(file)) ? tryOpen(file, journal) : null;
		if (filter != null
				&& (filter.ids > filter.capacity || sealedIds > filter.capacity || filter.end > sealedIds + 1)) {
			filter.close();
			filter = null;
		}
		if (filter == null) {
			filter = create(file, Math.max(1 << 20, 2 * sealedIds), journal);
		}
		for (int i = 0; i < sealed.count(); i++) {
			if (sealed.first(i) >= filter.end) {
				if (!filter.verify()) {
					filter.close();
					return rebuild(directory, sealed);
				}
				filter.add(sealed.index(i));
			}
		}
		return filter;
	}

	/**
	 * Builds the filter again from the sealed segments' indexes.
	 * @param directory the journal's directory
	 * @param sealed the sealed segments
	 * @return the filter, covering them all
	 * @throws IOException if it cannot be written
	 */
	static IdFilter rebuild(Path directory, SealedSegments sealed) throws IOException {
		IdFilter filter = create(directory.resolve(FILE), Math.max(1 << 20, 2 * sealed.lastPosition()),
				sealed.streams().journal());
		for (int i = 0; i < sealed.count(); i++) {
			filter.add(sealed.index(i));
		}
		return filter;
	}

	/**
	 * The first position after the segments a journal's filter covers, as its header
	 * records it, without opening the filter.
	 * @param directory the journal's directory
	 * @return it, or 0 if there is no filter or its header is damaged
	 */
	static long recordedEnd(Path directory, UUID journal) {
		try (FileChannel channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.READ)) {
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
				// Read the whole header.
			}
			if (header.hasRemaining() || header.getLong(0) != MAGIC
					|| header.getInt(HEADER_CRC) != SegmentIndex.crc(header, 0, HEADER_CRC)
					|| !journal(header).equals(journal)) {
				return 0;
			}
			return header.getLong(8);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static UUID journal(ByteBuffer header) {
		return new UUID(header.getLong(32), header.getLong(40));
	}

	private static @Nullable IdFilter tryOpen(Path file, UUID journal) throws IOException {
		FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
		try {
			long size = channel.size();
			if (size < HEADER + BLOCK || (size - HEADER) % BLOCK != 0 || size > Integer.MAX_VALUE) {
				channel.close();
				return null;
			}
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
			int blocks = (int) ((size - HEADER) / BLOCK);
			if (buffer.getLong(0) != MAGIC || buffer.getInt(HEADER_CRC) != SegmentIndex.crc(buffer, 0, HEADER_CRC)) {
				channel.close();
				return null;
			}
			if (!journal(buffer).equals(journal)) {
				logger.log(System.Logger.Level.WARNING,
						"{0} is of another journal ({1}, this one is {2}); it is rebuilt", file, journal(buffer),
						journal);
				channel.close();
				return null;
			}
			return new IdFilter(file, channel, buffer, blocks, buffer.getLong(16), buffer.getLong(8));
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	private static IdFilter create(Path file, long capacity, UUID journal) throws IOException {
		long blocks = Long.highestOneBit(Math.max(1, capacity * BITS_PER_ID / 8 / BLOCK - 1)) << 1;
		if (HEADER + blocks * BLOCK > Integer.MAX_VALUE) {
			throw new IOException("an id filter for " + capacity + " ids would exceed 2 GiB");
		}
		Path temporary = file.resolveSibling(FILE + ".tmp");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
				StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + blocks * BLOCK);
			buffer.putLong(0, MAGIC);
			buffer.putLong(32, journal.getMostSignificantBits());
			buffer.putLong(40, journal.getLeastSignificantBits());
			writeHeader(buffer, 1, 0);
			buffer.force();
			MappedReads.unmap(buffer, temporary);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		DurableFiles.forceDirectory(file.getParent());
		IdFilter created = Objects.requireNonNull(tryOpen(file, journal));
		created.verified = true;
		return created;
	}

	private static void writeHeader(MappedByteBuffer buffer, long end, long ids) {
		buffer.putLong(8, end);
		buffer.putLong(16, ids);
		buffer.putInt(24, SegmentIndex.crc(buffer, HEADER, buffer.capacity() - HEADER));
		buffer.putInt(HEADER_CRC, SegmentIndex.crc(buffer, 0, HEADER_CRC));
	}

	/**
	 * Whether the body is what the header's checksum says; checked once.
	 * @return false if the filter must be rebuilt
	 */
	boolean verify() {
		if (!this.verified) {
			this.verified = this.buffer.getInt(24) == SegmentIndex.crc(this.buffer, HEADER,
					this.buffer.capacity() - HEADER);
		}
		return this.verified;
	}

	/**
	 * Adds the ids of the next sealed segment.
	 * @param segment the segment's index
	 */
	void add(SegmentIndex segment) {
		segment.forEachIdFingerprint(this::set);
		this.ids += segment.last() - segment.first() + 1;
		this.end = segment.last() + 1;
		writeHeader(this.buffer, this.end, this.ids);
	}

	/** Whether an id with this fingerprint may be stored in a sealed segment. */
	boolean mightContain(int fingerprint) {
		long hash = mix(fingerprint);
		int block = HEADER + BLOCK * (int) ((hash >>> 40) & (this.blocks - 1));
		for (int i = 0; i < 6; i++) {
			int bit = (int) (hash >>> (9 * i)) & 511;
			if ((this.buffer.getLong(block + 8 * (bit >>> 6)) & (1L << (bit & 63))) == 0) {
				return false;
			}
		}
		return true;
	}

	/** Whether it must be rebuilt larger before taking this many more ids. */
	boolean full(long more) {
		return this.ids + more > this.capacity;
	}

	private void set(int fingerprint) {
		long hash = mix(fingerprint);
		int block = HEADER + BLOCK * (int) ((hash >>> 40) & (this.blocks - 1));
		for (int i = 0; i < 6; i++) {
			int bit = (int) (hash >>> (9 * i)) & 511;
			int at = block + 8 * (bit >>> 6);
			this.buffer.putLong(at, this.buffer.getLong(at) | (1L << (bit & 63)));
		}
	}

	private static long mix(int fingerprint) {
		long h = fingerprint * 0x9E3779B97F4A7C15L;
		h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
		return h ^ (h >>> 29);
	}

	/**
	 * Closes the file; the map is released by the collector (no read may race an unmap).
	 */
	@Override
	public void close() throws IOException {
		this.channel.close();
	}

	@Override
	public String toString() {
		return "IdFilter[" + this.path + ", " + this.ids + " ids]";
	}

}
