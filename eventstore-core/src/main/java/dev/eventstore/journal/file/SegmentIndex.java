package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.LongPredicate;
import java.util.function.ObjIntConsumer;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32C;

import dev.eventstore.internal.DurableFiles;
import dev.eventstore.internal.IdTable;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk index of one sealed segment, written once when the segment is sealed and
 * memory-mapped when read: where each position's line starts, each stream's positions in
 * the segment with the version of its first, and the segment's event ids. A header names
 * the segment it belongs to (first position, event count, byte size) and carries a
 * CRC-32C of itself and of the body; the header is checked when the journal opens, the
 * body the first time the index is used, and an index that fails either is rebuilt from
 * its segment, never trusted.
 *
 * <p>
 * Layout, big-endian: a 72-byte header; {@code count + 1} longs of line starts (the last
 * is where the last line ends); the stream table, an open-addressing table of longs each
 * holding a hash of a stream id and where its entry is; the id table, the slots of an
 * {@link IdTable}; then the entries, each the stream id's length and UTF-8 bytes, the
 * version of its first event here, its event count and, for each event, its position
 * relative to the segment's first, its line's start and length (so that reading a stream
 * touches its entry and its lines, not the line-start table), all relative to the
 * segment's first. Immutable and thread-safe once mapped.
 */
final class SegmentIndex implements LineIndex {

	static final String SUFFIX = ".index";

	private static final long MAGIC = 0x4553_5345_4749_4458L; // "ESSEGIDX"

	/** 3: the segment's fingerprint at byte 60 ({@link JournalIdentity#fingerprint}). */
	private static final int FORMAT = 3;

	/**
	 * Bytes of one event in a stream's entry: relative position, line start, line length.
	 */
	private static final int EVENT = 12;

	static final int HEADER = 72;

	private final Path path;

	private final ByteBuffer buffer;

	private final long first;

	private final long count;

	private final long segmentSize;

	private final long legacyEnd;

	private final int streamCount;

	private final int streamSlots;

	private final int idSlots;

	private final int streamTable;

	private final int idTable;

	private final int entries;

	private final int bodyCrc;

	private final int fingerprint;

	private volatile boolean verified;

	private SegmentIndex(Path path, ByteBuffer buffer) {
		this.path = path;
		this.buffer = buffer;
		this.streamCount = buffer.getInt(12);
		this.first = buffer.getLong(16);
		this.count = buffer.getLong(24);
		this.segmentSize = buffer.getLong(32);
		this.legacyEnd = buffer.getLong(40);
		this.streamSlots = buffer.getInt(48);
		this.idSlots = buffer.getInt(52);
		this.fingerprint = buffer.getInt(60);
		this.bodyCrc = buffer.getInt(64);
		this.streamTable = Math.toIntExact(HEADER + 8 * (this.count + 1));
		this.idTable = this.streamTable + 8 * this.streamSlots;
		this.entries = this.idTable + 8 * this.idSlots;
	}

	/** The index file of a segment. */
	static Path pathOf(Path segment) {
		String name = segment.getFileName().toString();
		return segment.resolveSibling(name.substring(0, name.length() - Segments.SEGMENT_SUFFIX.length()) + SUFFIX);
	}

	/**
	 * Maps a segment's index if its header is whole and names the segment as it is on
	 * disk; its body is checked on first use ({@link #verify}).
	 * @param segment the segment
	 * @param first the segment's first position, from its name
	 * @param segmentSize the segment's size on disk
	 * @param fingerprint the segment's fingerprint ({@link JournalIdentity#fingerprint})
	 * @return the index, or null when it is missing, damaged or stale (an index of
	 * another segment, or of another journal's segment of that name)
	 */
	static @Nullable SegmentIndex open(Path segment, long first, long segmentSize, int fingerprint) {
		Path file = pathOf(segment);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size < HEADER || size > Integer.MAX_VALUE) {
				return null;
			}
			ByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
			if (buffer.getLong(0) != MAGIC || buffer.getInt(8) != FORMAT || buffer.getInt(68) != crc(buffer, 0, 68)) {
				return null;
			}
			SegmentIndex index = new SegmentIndex(file, buffer);
			if (index.first != first || index.segmentSize != segmentSize || index.fingerprint != fingerprint
					|| index.count < 1 || index.entries > size || Integer.bitCount(index.streamSlots) != 1
					|| Integer.bitCount(index.idSlots) != 1) {
				return null;
			}
			return index;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Whether the body is what the header's checksum says; checked once.
	 * @return false if the index is damaged and must be rebuilt
	 */
	boolean verify() {
		if (this.verified) {
			return true;
		}
		boolean whole = crc(this.buffer, HEADER, this.buffer.capacity() - HEADER) == this.bodyCrc
				&& lineStart(this.first + this.count) == this.segmentSize;
		this.verified = whole;
		return whole;
	}

	long first() {
		return this.first;
	}

	long last() {
		return this.first + this.count - 1;
	}

	long segmentSize() {
		return this.segmentSize;
	}

	/** The last position of lines of the original format, which carry no checksum. */
	long legacyEnd() {
		return this.legacyEnd;
	}

	private long lineStart(long position) {
		return this.buffer.getLong(HEADER + 8 * (int) (position - this.first));
	}

	@Override
	public long[] ranges(long[] positions) {
		long[] ranges = new long[positions.length * 2];
		for (int i = 0; i < positions.length; i++) {
			ranges[2 * i] = lineStart(positions[i]);
			ranges[2 * i + 1] = lineStart(positions[i] + 1);
		}
		return ranges;
	}

	@Override
	public long[] range(long from, long to) {
		return new long[] { lineStart(from), lineStart(to + 1) };
	}

	@Override
	public long versionOf(String streamId, long position) {
		Stream stream = stream(streamId);
		int at = (stream != null) ? Arrays.binarySearch(stream.positions(0, stream.count()), position) : -1;
		if (at < 0) {
			throw new IllegalStateException("Position " + position + " is not indexed in stream '" + streamId + "'");
		}
		return stream.firstVersion() + at;
	}

	/**
	 * A stream's events in this segment.
	 * @return them, or null when the stream has none here
	 */
	@Nullable Stream stream(String streamId) {
		return stream(key(streamId));
	}

	/** A stream id as the stream tables of every segment look it up. */
	record Key(byte[] id, int hash) {
	}

	static Key key(String streamId) {
		return new Key(streamId.getBytes(StandardCharsets.UTF_8), hash(streamId));
	}

	/**
	 * A stream's events in this segment.
	 * @return them, or null when the stream has none here
	 */
	@Nullable Stream stream(Key key) {
		byte[] id = key.id();
		int hash = key.hash();
		int mask = this.streamSlots - 1;
		for (int i = hash & mask;; i = (i + 1) & mask) {
			long slot = this.buffer.getLong(this.streamTable + 8 * i);
			if (slot == 0) {
				return null;
			}
			if ((int) (slot >>> 32) == hash) {
				int entry = this.entries + (int) slot - 1;
				if (sameId(entry, id)) {
					return new Stream(entry + 4 + id.length);
				}
			}
		}
	}

	private boolean sameId(int entry, byte[] id) {
		if (this.buffer.getInt(entry) != id.length) {
			return false;
		}
		for (int i = 0; i < id.length; i++) {
			if (this.buffer.get(entry + 4 + i) != id[i]) {
				return false;
			}
		}
		return true;
	}

	/** Hands each stream id of the segment and its event count here to the consumer. */
	void forEachStream(ObjIntConsumer<String> consumer) {
		int at = this.entries;
		for (int s = 0; s < this.streamCount; s++) {
			int length = this.buffer.getInt(at);
			byte[] id = new byte[length];
			this.buffer.get(at + 4, id);
			Stream stream = new Stream(at + 4 + length);
			consumer.accept(new String(id, StandardCharsets.UTF_8), stream.count());
			at = stream.end();
		}
	}

	/**
	 * Offers each position whose id fingerprint matches, until the test accepts one.
	 * @return the accepted position, or 0 when none
	 */
	long findId(UUID id, LongPredicate isIt) {
		return IdTable.find(id, this.idSlots, (i) -> this.buffer.getLong(this.idTable + 8 * i), isIt);
	}

	/** Hands the fingerprint of each id stored in the segment to the consumer. */
	void forEachIdFingerprint(IntConsumer consumer) {
		for (int i = 0; i < this.idSlots; i++) {
			long entry = this.buffer.getLong(this.idTable + 8 * i);
			if (entry != 0) {
				consumer.accept((int) (entry >>> 32));
			}
		}
	}

	/** One stream's entry: the version of its first event here, the positions. */
	final class Stream {

		private final int at;

		Stream(int at) {
			this.at = at;
		}

		long firstVersion() {
			return SegmentIndex.this.buffer.getLong(this.at);
		}

		int count() {
			return SegmentIndex.this.buffer.getInt(this.at + 8);
		}

		/**
		 * Positions of its events {@code from} (0-based here) on, at most {@code max}.
		 */
		long[] positions(int from, int max) {
			int n = Math.max(0, Math.min(max, count() - from));
			long[] positions = new long[n];
			int base = this.at + 12 + EVENT * from;
			for (int i = 0; i < n; i++) {
				positions[i] = SegmentIndex.this.first + SegmentIndex.this.buffer.getInt(base + EVENT * i);
			}
			return positions;
		}

		/**
		 * Line ranges of its events {@code from} on, at most {@code max}, as
		 * {@link LineIndex#ranges} gives them, read from the entry itself.
		 */
		long[] ranges(int from, int max) {
			int n = Math.max(0, Math.min(max, count() - from));
			long[] ranges = new long[2 * n];
			int base = this.at + 12 + EVENT * from;
			for (int i = 0; i < n; i++) {
				long start = Integer.toUnsignedLong(SegmentIndex.this.buffer.getInt(base + EVENT * i + 4));
				ranges[2 * i] = start;
				ranges[2 * i + 1] = start + SegmentIndex.this.buffer.getInt(base + EVENT * i + 8);
			}
			return ranges;
		}

		int end() {
			return this.at + 12 + EVENT * count();
		}

	}

	/**
	 * Writes the index of a segment whose lines are all indexed, fsyncs it and moves it
	 * into place (a crash leaves the old file or none, never half of it).
	 * @param segment the segment
	 * @param index its lines and streams
	 * @param ids its event ids
	 * @param versionBefore each stream's version before the segment
	 * @param legacyEnd the last position of lines of the original format
	 * @return the segment's fingerprint, recorded in the index
	 * @throws IOException if it cannot be written
	 */
	static int write(Path segment, JournalIndex index, IdTable ids, ToLongFunction<String> versionBefore,
			long legacyEnd) throws IOException {
		int fingerprint = JournalIdentity.fingerprint(segment);
		long[] offsets = index.lineOffsets();
		long count = offsets.length - 1;
		List<byte[]> streamIds = new ArrayList<>();
		List<long[]> streamPositions = new ArrayList<>();
		index.forEachStream((id, positions) -> {
			streamIds.add(id.getBytes(StandardCharsets.UTF_8));
			streamPositions.add(positions);
		});
		int streamSlots = Integer.highestOneBit(Math.max(4, streamIds.size() * 2 - 1)) << 1;
		long[] idSlots = ids.slots();
		long entriesLength = 0;
		for (int s = 0; s < streamIds.size(); s++) {
			entriesLength += 4 + streamIds.get(s).length + 12 + (long) EVENT * streamPositions.get(s).length;
		}
		long size = HEADER + 8 * (count + 1) + 8L * streamSlots + 8L * idSlots.length + entriesLength;
		if (size > Integer.MAX_VALUE) {
			throw new IOException("the index of segment " + segment + " would exceed 2 GiB; use smaller segments");
		}
		ByteBuffer buffer = ByteBuffer.allocate((int) size);
		buffer.putLong(0, MAGIC);
		buffer.putInt(8, FORMAT);
		buffer.putInt(12, streamIds.size());
		buffer.putLong(16, index.base() + 1);
		buffer.putLong(24, count);
		buffer.putLong(32, offsets[(int) count]);
		buffer.putLong(40, legacyEnd);
		buffer.putInt(48, streamSlots);
		buffer.putInt(52, idSlots.length);
		buffer.putInt(56, (int) entriesLength);
		buffer.putInt(60, fingerprint);
		int at = HEADER;
		for (long offset : offsets) {
			buffer.putLong(at, offset);
			at += 8;
		}
		int streamTable = at;
		int idTable = streamTable + 8 * streamSlots;
		for (int i = 0; i < idSlots.length; i++) {
			buffer.putLong(idTable + 8 * i, idSlots[i]);
		}
		int entries = idTable + 8 * idSlots.length;
		at = entries;
		for (int s = 0; s < streamIds.size(); s++) {
			byte[] id = streamIds.get(s);
			long[] positions = streamPositions.get(s);
			String streamId = new String(id, StandardCharsets.UTF_8);
			int hash = hash(streamId);
			int mask = streamSlots - 1;
			int slot = hash & mask;
			while (buffer.getLong(streamTable + 8 * slot) != 0) {
				slot = (slot + 1) & mask;
			}
			buffer.putLong(streamTable + 8 * slot, ((long) hash << 32) | (at - entries + 1));
			buffer.putInt(at, id.length);
			buffer.put(at + 4, id);
			at += 4 + id.length;
			buffer.putLong(at, versionBefore.applyAsLong(streamId) + 1);
			buffer.putInt(at + 8, positions.length);
			at += 12;
			for (long position : positions) {
				int line = (int) (position - index.base() - 1);
				buffer.putInt(at, line);
				buffer.putInt(at + 4, (int) offsets[line]);
				buffer.putInt(at + 8, (int) (offsets[line + 1] - offsets[line]));
				at += EVENT;
			}
		}
		buffer.putInt(64, crc(buffer, HEADER, (int) size - HEADER));
		buffer.putInt(68, crc(buffer, 0, 68));
		buffer.position(0);
		DurableFiles.replace(pathOf(segment), buffer);
		return fingerprint;
	}

	/** The fingerprint of the segment it indexes. */
	int fingerprint() {
		return this.fingerprint;
	}

	private static int hash(String streamId) {
		int h = streamId.hashCode() * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	static int crc(ByteBuffer buffer, int from, int length) {
		CRC32C crc = new CRC32C();
		crc.update(buffer.duplicate().position(from).limit(from + length));
		return (int) crc.getValue();
	}

	@Override
	public String toString() {
		return "SegmentIndex[" + this.path + "]";
	}

}
