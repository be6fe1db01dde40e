package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import dev.eventstore.internal.DurableFiles;
import dev.eventstore.journal.support.Postings;
import dev.eventstore.journal.support.QueryIndex;
import org.jspecify.annotations.Nullable;

/**
 * A sealed segment's types and tags on disk: for each type and each tag, the positions of
 * its events in the segment, in a file beside the segment
 * ({@code <first position>.postings}), written when the segment is sealed (or on the
 * first query of a journal sealed without one) and mapped read-only, so that the heap
 * holds the postings of the active segment only. A query looks a key up by binary search
 * in the file's sorted directory and reads only that key's positions.
 *
 * <p>
 * The file records the segment's first and last positions and its fingerprint, and a
 * CRC-32C of all its bytes: one that is missing, damaged, or written for other bytes (a
 * segment replaced, repaired) is not used, and is written again from the segment.
 *
 * <p>
 * Layout (big-endian): magic, format, first and last position, the segment's fingerprint,
 * the number of types and of tags; the directory, one entry a key (types, then tags, each
 * part sorted by the key's UTF-8 bytes): the key's offset and length, its positions'
 * offset and count; the keys' bytes; the positions, each the difference from the one
 * before (the first from {@code first - 1}) as an unsigned varint; the CRC-32C of
 * everything before it.
 */
final class SealedPostings implements Postings {

	static final String SUFFIX = ".postings";

	private static final int MAGIC = 0x45535031;

	private static final int FORMAT = 1;

	private static final int HEADER = 36;

	private static final int ENTRY = 20;

	private final MappedByteBuffer map;

	private final long first;

	private final int types;

	private final int tags;

	private SealedPostings(MappedByteBuffer map, long first, int types, int tags) {
		this.map = map;
		this.first = first;
		this.types = types;
		this.tags = tags;
	}

	static Path pathOf(Path segment) {
		String name = segment.getFileName().toString();
		return segment.resolveSibling(name.substring(0, name.length() - Segments.SEGMENT_SUFFIX.length()) + SUFFIX);
	}

	/**
	 * Writes the postings of positions [first, last] of an index, atomically (a temporary
	 * file forced and renamed).
	 * @param segment the sealed segment
	 * @param first its first position
	 * @param last its last position
	 * @param fingerprint its fingerprint
	 * @param index an index holding at least those positions
	 * @throws IOException if it cannot be written
	 */
	static void write(Path segment, long first, long last, int fingerprint, QueryIndex index) throws IOException {
		List<Key> typeKeys = new ArrayList<>();
		List<Key> tagKeys = new ArrayList<>();
		index.each(first, last, (type, positions) -> typeKeys.add(new Key(type, positions)),
				(tag, positions) -> tagKeys.add(new Key(tag, positions)));
		typeKeys.sort(null);
		tagKeys.sort(null);
		List<Key> keys = new ArrayList<>(typeKeys);
		keys.addAll(tagKeys);
		long keyBytes = 0;
		long positionBytes = 0;
		for (Key key : keys) {
			keyBytes += key.bytes.length;
			long previous = first - 1;
			for (long position : key.positions) {
				positionBytes += varintLength(position - previous);
				previous = position;
			}
		}
		long size = HEADER + (long) ENTRY * keys.size() + keyBytes + positionBytes + 4;
		if (size > Integer.MAX_VALUE) {
			throw new IOException("the postings of segment " + segment + " would exceed 2 GiB; use smaller segments");
		}
		ByteBuffer buffer = ByteBuffer.allocate((int) size);
		buffer.putInt(MAGIC).putInt(FORMAT).putLong(first).putLong(last).putInt(fingerprint);
		buffer.putInt(typeKeys.size()).putInt(tagKeys.size());
		int keyAt = HEADER + ENTRY * keys.size();
		int positionsAt = keyAt + (int) keyBytes;
		for (Key key : keys) {
			buffer.putInt(keyAt).putInt(key.bytes.length).putLong(positionsAt).putInt(key.positions.length);
			keyAt += key.bytes.length;
			long previous = first - 1;
			for (long position : key.positions) {
				positionsAt += varintLength(position - previous);
				previous = position;
			}
		}
		for (Key key : keys) {
			buffer.put(key.bytes);
		}
		for (Key key : keys) {
			long previous = first - 1;
			for (long position : key.positions) {
				putVarint(buffer, position - previous);
				previous = position;
			}
		}
		CRC32C crc = new CRC32C();
		crc.update(buffer.array(), 0, buffer.position());
		buffer.putInt((int) crc.getValue());
		buffer.flip();
		DurableFiles.replace(pathOf(segment), buffer);
	}

	/**
	 * The postings of a sealed segment, when its file is there, whole, and written for
	 * these positions and bytes.
	 * @return them, or null when the file must be written again
	 */
	static @Nullable SealedPostings open(Path segment, long first, long last, int fingerprint) {
		Path file = pathOf(segment);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size < HEADER + 4 || size > Integer.MAX_VALUE) {
				return null;
			}
			MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
			if (map.getInt(0) != MAGIC || map.getInt(4) != FORMAT || map.getLong(8) != first || map.getLong(16) != last
					|| map.getInt(24) != fingerprint) {
				return null;
			}
			CRC32C crc = new CRC32C();
			crc.update(map.duplicate().limit((int) size - 4));
			if ((int) crc.getValue() != map.getInt((int) size - 4)) {
				return null;
			}
			int types = map.getInt(28);
			int tags = map.getInt(32);
			if (types < 0 || tags < 0 || HEADER + (long) ENTRY * (types + tags) > size - 4) {
				return null;
			}
			return new SealedPostings(map, first, types, tags);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public @Nullable PositionList type(String type) {
		return find(0, this.types, type);
	}

	@Override
	public @Nullable PositionList tag(String tag) {
		return find(this.types, this.types + this.tags, tag);
	}

	private @Nullable PositionList find(int from, int to, String key) {
		byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
		int low = from;
		int high = to - 1;
		while (low <= high) {
			int middle = (low + high) >>> 1;
			int entry = HEADER + ENTRY * middle;
			int order = compare(this.map.getInt(entry), this.map.getInt(entry + 4), wanted);
			if (order < 0) {
				low = middle + 1;
			}
			else if (order > 0) {
				high = middle - 1;
			}
			else {
				return new Stored((int) this.map.getLong(entry + 8), this.map.getInt(entry + 16));
			}
		}
		return null;
	}

	private int compare(int offset, int length, byte[] wanted) {
		int common = Math.min(length, wanted.length);
		for (int i = 0; i < common; i++) {
			int order = Byte.compareUnsigned(this.map.get(offset + i), wanted[i]);
			if (order != 0) {
				return order;
			}
		}
		return Integer.compare(length, wanted.length);
	}

	/** One key's positions, read from the file when first asked for. */
	private final class Stored implements PositionList {

		private final int offset;

		private final int count;

		private long @Nullable [] values;

		Stored(int offset, int count) {
			this.offset = offset;
			this.count = count;
		}

		@Override
		public int size() {
			return this.count;
		}

		@Override
		public long get(int index) {
			return values()[index];
		}

		private long[] values() {
			long[] read = this.values;
			if (read == null) {
				read = new long[this.count];
				int at = this.offset;
				long previous = SealedPostings.this.first - 1;
				for (int i = 0; i < read.length; i++) {
					long delta = 0;
					int shift = 0;
					byte b;
					do {
						b = SealedPostings.this.map.get(at++);
						delta |= (long) (b & 0x7f) << shift;
						shift += 7;
					}
					while (b < 0);
					previous += delta;
					read[i] = previous;
				}
				this.values = read;
			}
			return read;
		}

	}

	private static final class Key implements Comparable<Key> {

		final byte[] bytes;

		final long[] positions;

		Key(String key, long[] positions) {
			this.bytes = key.getBytes(StandardCharsets.UTF_8);
			this.positions = positions;
		}

		@Override
		public int compareTo(Key other) {
			return Arrays.compareUnsigned(this.bytes, other.bytes);
		}

	}

	private static int varintLength(long value) {
		int length = 1;
		while ((value >>>= 7) != 0) {
			length++;
		}
		return length;
	}

	private static void putVarint(ByteBuffer buffer, long value) {
		long rest = value;
		while ((rest & ~0x7fL) != 0) {
			buffer.put((byte) ((rest & 0x7f) | 0x80));
			rest >>>= 7;
		}
		buffer.put((byte) rest);
	}

}
