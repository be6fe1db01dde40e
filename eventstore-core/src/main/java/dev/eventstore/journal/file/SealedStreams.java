package dev.eventstore.journal.file;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import org.jspecify.annotations.Nullable;

/**
 * Every stream of a segmented journal's sealed segments: its version at the end of them,
 * and which segments hold its events, as runs of consecutive segments (a stream written
 * all through history is one run, a short-lived one too). The only per-stream state on
 * the heap, it grows with the number of streams, never with the number of events.
 * Immutable: sealing a segment makes a new one, so that readers always see it together
 * with the segments it describes.
 *
 * <p>
 * Kept on disk in {@code streams.summary}, rewritten (temporary file, fsync, rename) each
 * time a segment is sealed, with the first position after the segments it covers and a
 * CRC-32C; opening a journal reads it instead of every segment's index. A summary that is
 * missing, damaged or does not cover exactly the sealed segments is rebuilt from their
 * indexes.
 */
final class SealedStreams {

	static final String FILE = "streams.summary";

	private static final long MAGIC = 0x4553_5354_524D_5332L; // "ESSTRMS2"

	static final SealedStreams NONE = new SealedStreams(Map.of(), 0, 0);

	private final Map<String, Stream> streams;

	/** How many sealed segments it covers. */
	private final int segments;

	/** The first position after the segments it covers. */
	private final long end;

	private SealedStreams(Map<String, Stream> streams, int segments, long end) {
		this.streams = streams;
		this.segments = segments;
		this.end = end;
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
		Stream stream = this.streams.get(streamId);
		return (stream != null) ? stream.version() : 0;
	}

	@Nullable Stream stream(String streamId) {
		return this.streams.get(streamId);
	}

	boolean contains(String streamId) {
		return this.streams.containsKey(streamId);
	}

	int size() {
		return this.streams.size();
	}

	int segments() {
		return this.segments;
	}

	void forEachId(Consumer<String> consumer) {
		this.streams.keySet().forEach(consumer);
	}

	/** These streams and those of one more sealed segment, the next one. */
	SealedStreams with(SegmentIndex segment) {
		Map<String, Stream> next = new HashMap<>(this.streams);
		int ordinal = this.segments;
		segment.forEachStream((id, count) -> {
			Stream stream = next.get(id);
			next.put(id,
					(stream == null) ? new Stream(count, new int[] { ordinal, ordinal }) : stream.plus(ordinal, count));
		});
		return new SealedStreams(next, ordinal + 1, segment.last() + 1);
	}

	/** Writes the summary into the journal's directory, replacing the last one. */
	void save(Path directory) throws IOException {
		Path file = directory.resolve(FILE);
		Path temporary = directory.resolve(FILE + ".tmp");
		CRC32C crc = new CRC32C();
		try (OutputStream out = Files.newOutputStream(temporary);
				DataOutputStream data = new DataOutputStream(
						new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), crc))) {
			data.writeLong(MAGIC);
			data.writeInt(this.segments);
			data.writeLong(this.end);
			data.writeInt(this.streams.size());
			for (Map.Entry<String, Stream> entry : this.streams.entrySet()) {
				byte[] id = entry.getKey().getBytes(StandardCharsets.UTF_8);
				data.writeInt(id.length);
				data.write(id);
				data.writeLong(entry.getValue().version());
				int[] runs = entry.getValue().runs();
				data.writeInt(runs.length);
				for (int segment : runs) {
					data.writeInt(segment);
				}
			}
			data.flush();
			// The checksum covers everything before it.
			new DataOutputStream(out).writeInt((int) crc.getValue());
			data.flush();
		}
		try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temporary,
				java.nio.file.StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		FileJournal.syncDirectory(directory);
	}

	/** The first position after the segments it covers. */
	long end() {
		return this.end;
	}

	/**
	 * Reads the summary, if it is whole.
	 * @param directory the journal's directory
	 * @return it, or null when it is missing or damaged
	 */
	static @Nullable SealedStreams load(Path directory) {
		Path file = directory.resolve(FILE);
		if (!Files.isRegularFile(file)) {
			return null;
		}
		CRC32C crc = new CRC32C();
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
				DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc))) {
			if (data.readLong() != MAGIC) {
				return null;
			}
			int segments = data.readInt();
			long end = data.readLong();
			int count = data.readInt();
			Map<String, Stream> streams = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
			for (int s = 0; s < count; s++) {
				int length = data.readInt();
				if (length < 0 || length > (1 << 20)) {
					return null;
				}
				byte[] id = new byte[length];
				data.readFully(id);
				long version = data.readLong();
				int touched = data.readInt();
				if (touched < 2 || touched % 2 != 0 || touched > 2 * segments) {
					return null;
				}
				int[] ordinals = new int[touched];
				for (int i = 0; i < ordinals.length; i++) {
					ordinals[i] = data.readInt();
					if (ordinals[i] < 0 || ordinals[i] >= segments || (i > 0 && ordinals[i] < ordinals[i - 1])) {
						return null;
					}
				}
				streams.put(new String(id, StandardCharsets.UTF_8), new Stream(version, ordinals));
			}
			int expected = (int) crc.getValue();
			if (new DataInputStream(in).readInt() != expected || in.read() != -1) {
				return null;
			}
			return new SealedStreams(streams, segments, end);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
