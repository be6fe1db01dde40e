package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;

/**
 * What a segmented journal's sealed segments hold, summed up: each segment's first
 * position and size, and every stream's version at the end of them with the segments
 * holding its events, as runs of consecutive segments (a stream written all through
 * history is one run, a short-lived one too). It grows with the number of streams, never
 * with the number of events; the streams read from the file stay in its bytes, found
 * through a hash table ({@link StreamTable}), and only those sealed since are in a map.
 * Immutable: sealing a segment makes a new one, so that readers always see it together
 * with the segments it describes.
 *
 * <p>
 * Kept on disk in {@code streams.summary}, rewritten (temporary file, fsync, rename) each
 * time a segment is sealed, with a CRC-32C; opening a journal reads it instead of every
 * segment's index. A summary that is missing, damaged or does not list exactly the sealed
 * segments on disk is rebuilt from their indexes.
 */
final class SealedStreams {

	static final String FILE = "streams.summary";

	/**
	 * 5: the streams in a hash table read in place ({@link StreamTable}); a summary of
	 * format 4 (a list) is rebuilt from the segments' indexes once.
	 */
	private static final long MAGIC = 0x4553_5354_524D_5335L; // "ESSTRMS5"

	/** A record's body: the version, the runs' count, the runs. */
	private static final StreamTable.Body BODY = (buffer, at) -> 8 + 4 + 4 * buffer.getInt(at + 8);

	private static final System.Logger logger = System.getLogger(SealedStreams.class.getName());

	/** Of a single-file journal, which has no sealed segments and no id. */
	static final SealedStreams NONE = empty(new UUID(0, 0));

	/** The streams as the summary file held them when it was read, found in its bytes. */
	private final @Nullable StreamTable loaded;

	/**
	 * The streams sealed since the file was read (every stream when none was read): they
	 * take the place of those of {@link #loaded}.
	 */
	private final Map<String, Stream> streams;

	/** How many streams in all. */
	private final int size;

	/** Each sealed segment's first position. */
	private final long[] firsts;

	/** Each sealed segment's size in bytes. */
	private final long[] sizes;

	/**
	 * Whether lines of this store's format were sealed, so the original format may not
	 * follow.
	 */
	private final boolean checksummed;

	/** The first position after the sealed segments. */
	private final long end;

	/** Each sealed segment's fingerprint ({@link JournalIdentity#fingerprint}). */
	private final int[] fingerprints;

	/** The journal's id ({@link JournalIdentity}). */
	private final UUID journal;

	private SealedStreams(UUID journal, @Nullable StreamTable loaded, Map<String, Stream> streams, int size,
			long[] firsts, long[] sizes, int[] fingerprints, boolean checksummed, long end) {
		this.journal = journal;
		this.loaded = loaded;
		this.streams = streams;
		this.size = size;
		this.firsts = firsts;
		this.sizes = sizes;
		this.fingerprints = fingerprints;
		this.checksummed = checksummed;
		this.end = end;
	}

	/** No sealed segment yet, of a journal. */
	static SealedStreams empty(UUID journal) {
		return new SealedStreams(journal, null, Map.of(), 0, new long[0], new long[0], new int[0], false, 1);
	}

	/** The id of the journal it describes. */
	UUID journal() {
		return this.journal;
	}

	/** The fingerprint the {@code i}-th sealed segment had when it was sealed. */
	int fingerprint(int i) {
		return this.fingerprints[i];
	}

	/**
	 * One stream: its version after the sealed segments and the segments holding it.
	 *
	 * @param version its version after the sealed segments
	 * @param runs the segments holding its events: {@code runs[2i]} to
	 * {@code runs[2i + 1]}, both inclusive, ascending
	 */
	record Stream(long version, int[] runs) {

		Stream plus(int segment, long count) {
			int[] next;
			if (this.runs[this.runs.length - 1] == segment - 1) {
				next = this.runs.clone();
				next[next.length - 1] = segment;
			}
			else {
				next = Arrays.copyOf(this.runs, this.runs.length + 2);
				next[next.length - 2] = segment;
				next[next.length - 1] = segment;
			}
			return new Stream(this.version + count, next);
		}

	}

	long version(String streamId) {
		Stream stream = stream(streamId);
		return (stream != null) ? stream.version() : 0;
	}

	@Nullable Stream stream(String streamId) {
		Stream stream = this.streams.get(streamId);
		StreamTable loaded = this.loaded;
		if (stream != null || loaded == null) {
			return stream;
		}
		int body = loaded.find(streamId);
		return (body < 0) ? null : read(loaded, body);
	}

	/** A stream's record, read from the summary's bytes. */
	private static Stream read(StreamTable loaded, int body) {
		ByteBuffer bytes = loaded.buffer();
		int[] runs = new int[bytes.getInt(body + 8)];
		for (int i = 0; i < runs.length; i++) {
			runs[i] = bytes.getInt(body + 12 + 4 * i);
		}
		return new Stream(bytes.getLong(body), runs);
	}

	boolean contains(String streamId) {
		return stream(streamId) != null;
	}

	int size() {
		return this.size;
	}

	/** Every stream with its record, those sealed since the file was read last. */
	private void forEachStream(BiConsumer<String, Stream> consumer) {
		StreamTable loaded = this.loaded;
		if (loaded != null) {
			loaded.forEach((id, body) -> {
				if (!this.streams.containsKey(id)) {
					consumer.accept(id, read(loaded, body));
				}
			});
		}
		this.streams.forEach(consumer);
	}

	/** How many sealed segments it covers. */
	int segments() {
		return this.firsts.length;
	}

	/** The first position of the {@code i}-th sealed segment. */
	long first(int i) {
		return this.firsts[i];
	}

	/** The size in bytes of the {@code i}-th sealed segment. */
	long size(int i) {
		return this.sizes[i];
	}

	/** The first position after the sealed segments. */
	long end() {
		return this.end;
	}

	/** The bytes of the sealed segments. */
	long bytes() {
		long bytes = 0;
		for (long size : this.sizes) {
			bytes += size;
		}
		return bytes;
	}

	boolean checksummed() {
		return this.checksummed;
	}

	void forEachId(Consumer<String> consumer) {
		StreamTable loaded = this.loaded;
		if (loaded != null) {
			loaded.forEach((id, body) -> {
				if (!this.streams.containsKey(id)) {
					consumer.accept(id);
				}
			});
		}
		this.streams.keySet().forEach(consumer);
	}

	/**
	 * Whether it describes exactly these sealed segments, the last ending before
	 * {@code end}.
	 */
	boolean describes(long[] firsts, long end) {
		return Arrays.equals(this.firsts, firsts) && this.end == end;
	}

	/** These streams and those of one more sealed segment, the next one. */
	SealedStreams with(SegmentIndex segment) {
		Map<String, Stream> next = new HashMap<>(this.streams);
		int ordinal = this.firsts.length;
		int[] size = { this.size };
		segment.forEachStream((id, count) -> {
			Stream stream = next.get(id);
			if (stream == null) {
				stream = stream(id);
			}
			if (stream == null) {
				size[0]++;
			}
			next.put(id,
					(stream == null) ? new Stream(count, new int[] { ordinal, ordinal }) : stream.plus(ordinal, count));
		});
		long[] firsts = Arrays.copyOf(this.firsts, ordinal + 1);
		firsts[ordinal] = segment.first();
		long[] sizes = Arrays.copyOf(this.sizes, ordinal + 1);
		sizes[ordinal] = segment.segmentSize();
		int[] fingerprints = Arrays.copyOf(this.fingerprints, ordinal + 1);
		fingerprints[ordinal] = segment.fingerprint();
		return new SealedStreams(this.journal, this.loaded, next, size[0], firsts, sizes, fingerprints,
				this.checksummed || segment.legacyEnd() < segment.last(), segment.last() + 1);
	}

	/** Writes the summary into the journal's directory, replacing the last one. */
	void save(Path directory) throws IOException {
		List<String> names = new ArrayList<>(this.size);
		List<Stream> records = new ArrayList<>(this.size);
		forEachStream((id, stream) -> {
			names.add(id);
			records.add(stream);
		});
		byte[][] ids = new byte[names.size()][];
		int[] bodyLengths = new int[ids.length];
		long bodies = 0;
		for (int i = 0; i < ids.length; i++) {
			ids[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
			bodyLengths[i] = 8 + 4 + 4 * records.get(i).runs().length;
			bodies += bodyLengths[i];
		}
		int head = 8 + 16 + 4 + 20 * this.firsts.length + 8 + 1 + 4;
		long size = head + StreamTable.size(ids, bodies) + 4;
		if (size > Integer.MAX_VALUE) {
			throw new IOException("a summary of " + size + " bytes");
		}
		ByteBuffer buffer = ByteBuffer.allocate((int) size);
		buffer.putLong(MAGIC)
			.putLong(this.journal.getMostSignificantBits())
			.putLong(this.journal.getLeastSignificantBits())
			.putInt(this.firsts.length);
		for (int i = 0; i < this.firsts.length; i++) {
			buffer.putLong(this.firsts[i]).putLong(this.sizes[i]).putInt(this.fingerprints[i]);
		}
		buffer.putLong(this.end).put((byte) (this.checksummed ? 1 : 0)).putInt(ids.length);
		StreamTable.write(buffer, names.toArray(new String[0]), ids, bodyLengths, (out, stream) -> {
			Stream record = records.get(stream);
			out.putLong(record.version()).putInt(record.runs().length);
			for (int segment : record.runs()) {
				out.putInt(segment);
			}
		});
		CRC32C crc = new CRC32C();
		crc.update(buffer.array(), 0, buffer.position());
		buffer.putInt((int) crc.getValue());
		buffer.flip();
		DurableFiles.replace(directory.resolve(FILE), buffer);
	}

	/**
	 * Reads the summary, if it is whole and of this journal.
	 * @param directory the journal's directory
	 * @param journal the journal's id
	 * @return it, or null when it is missing or damaged, written by an earlier release,
	 * or of another journal
	 */
	static @Nullable SealedStreams load(Path directory, UUID journal) {
		Path file = directory.resolve(FILE);
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
		if (bytes.length < 8 + 16 + 4 + 8 + 1 + 4 + 4) {
			return null;
		}
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, bytes.length - 4);
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		if (buffer.getLong() != MAGIC || buffer.getInt(bytes.length - 4) != (int) crc.getValue()) {
			return null;
		}
		try {
			UUID owner = new UUID(buffer.getLong(), buffer.getLong());
			if (!owner.equals(journal)) {
				logger.log(System.Logger.Level.WARNING,
						"Journal {0}: {1} is of another journal ({2}, this one is {3}); it is rebuilt", directory, FILE,
						owner, journal);
				return null;
			}
			int segments = buffer.getInt();
			if (segments < 0 || segments > bytes.length / 20) {
				return null;
			}
			long[] firsts = new long[segments];
			long[] sizes = new long[segments];
			int[] fingerprints = new int[segments];
			for (int i = 0; i < segments; i++) {
				firsts[i] = buffer.getLong();
				sizes[i] = buffer.getLong();
				fingerprints[i] = buffer.getInt();
			}
			long end = buffer.getLong();
			boolean checksummed = buffer.get() != 0;
			int count = buffer.getInt();
			if (count < 0 || count > bytes.length / 16) {
				return null;
			}
			// The streams stay in the file's bytes, found through their hash table when
			// asked for: nothing a stream at open. The CRC-32C above vouches for them.
			StreamTable table = new StreamTable(buffer, buffer.position(), count, BODY);
			return new SealedStreams(journal, table, Map.of(), count, firsts, sizes, fingerprints, checksummed, end);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
