package dev.eventstore.processor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import dev.eventstore.EventStoreException;
import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A processor's parked events beside its checkpoint file
 * ({@code <journal>.<processor>.parked}): a log of changes, one JSON line each, appended
 * and forced, rewritten whole (temporary file, rename) once it holds many more lines than
 * parked events, and removed once none is parked. The events a processor parks as it
 * passes them are written together, just before the checkpoint save that passes them
 * ({@link #parkPassed}). One instance a file in this process, shared by its stores;
 * thread-safe.
 */
final class ParkedEventsFile {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Map<Path, ParkedEventsFile> FILES = new ConcurrentHashMap<>();

	private final Path file;

	private final String processor;

	/** The log as last read or written; null when it is to be read again. */
	private @Nullable ParkedLog log;

	private ParkedEventsFile(Path file, String processor) {
		this.file = file;
		this.processor = processor;
	}

	/** The parked events file at a path. */
	static ParkedEventsFile of(Path file, String processor) {
		return FILES.computeIfAbsent(file.toAbsolutePath().normalize(),
				(path) -> new ParkedEventsFile(path, processor));
	}

	/** The parked events, read from the file (so that an operator's repair counts). */
	synchronized List<ParkedEvent> list() {
		writePending();
		ParkedLog read = ParkedLog.read(this.processor, this.file);
		this.log = read;
		return List.copyOf(read.parked.values());
	}

	/**
	 * Parks an event, or replaces the parked one of its position, forced before it
	 * returns.
	 */
	synchronized void park(ParkedEvent event) {
		change(checked(lineOf(event)), (parked) -> parked.put(event.position(), event), 1);
	}

	/**
	 * Parks an event in memory; the file gets it with the processor's next checkpoint
	 * save, before the checkpoint (or at the next list or change): every event of a
	 * jammed stream is parked, and one forced write a save instead of one an event keeps
	 * the other streams' events moving at the processor's pace rather than the disk's.
	 * Until then a crash loses nothing: the checkpoint has not passed the event, which is
	 * delivered, and parked, again.
	 */
	synchronized void parkPassed(ParkedEvent event) {
		ParkedLog current = log();
		current.parked.put(event.position(), event);
		current.pending.add(event);
	}

	synchronized void unpark(long position) {
		change(checked(json.createObjectNode().put("unpark", position)), (parked) -> parked.remove(position), 1);
	}

	/** Unparks several events: a line each, in one forced write. */
	synchronized void unparkAll(List<Long> positions) {
		StringBuilder lines = new StringBuilder();
		for (long position : positions) {
			lines.append(checked(json.createObjectNode().put("unpark", position)));
		}
		change(lines.toString(), (parked) -> positions.forEach(parked::remove), positions.size());
	}

	/**
	 * Writes the events parked as passed and not written yet, in one forced append, or
	 * the log whole when it holds many more lines than parked events or an earlier write
	 * failed part way.
	 */
	synchronized void writePending() {
		ParkedLog current = this.log;
		if (current == null || (current.pending.isEmpty() && !current.rewrite)) {
			return;
		}
		try {
			StringBuilder lines = new StringBuilder();
			for (ParkedEvent event : current.pending) {
				lines.append(checked(lineOf(event)));
			}
			write(current, lines.toString(), current.pending.size(), current.rewrite);
			current.pending.clear();
			current.rewrite = false;
		}
		catch (IOException | RuntimeException ex) {
			// What reached the file is not known: the next write replaces it whole, from
			// what is parked here.
			current.rewrite = true;
			throw failure(ex);
		}
	}

	private ParkedLog log() {
		ParkedLog current = this.log;
		if (current == null) {
			current = ParkedLog.read(this.processor, this.file);
			this.log = current;
		}
		return current;
	}

	/**
	 * Changes, after the events parked as passed: their lines, each checked, and how
	 * many.
	 */
	private void change(String lines, Consumer<SortedMap<Long, ParkedEvent>> change, int count) {
		ParkedLog current = log();
		writePending();
		change.accept(current.parked);
		try {
			write(current, lines, count, false);
		}
		catch (IOException | RuntimeException ex) {
			// What is on disk is not known now: the next change reads it again.
			this.log = null;
			throw failure(ex);
		}
	}

	/**
	 * Writes changes to the log: their lines appended and forced, or, once it would hold
	 * many more lines than parked events (or when asked), the log rewritten whole from
	 * what is parked; removed once none is parked.
	 */
	private void write(ParkedLog current, String lines, int count, boolean rewrite) throws IOException {
		if (current.parked.isEmpty()) {
			Files.deleteIfExists(this.file);
			current.lines = 0;
			forceDirectory();
		}
		else if (rewrite || current.lines + count > 2 * current.parked.size() + 64) {
			StringBuilder all = new StringBuilder();
			for (ParkedEvent event : current.parked.values()) {
				all.append(checked(lineOf(event)));
			}
			FileCheckpointStore.replace(this.file, all.toString().getBytes(StandardCharsets.UTF_8));
			current.lines = current.parked.size();
		}
		else {
			append(lines);
			current.lines += count;
		}
	}

	/** Appends lines and forces them, and the directory when the file is new. */
	private void append(String lines) throws IOException {
		boolean created = !Files.exists(this.file);
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			ByteBuffer buffer = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			channel.force(true);
		}
		if (created) {
			forceDirectory();
		}
	}

	private void forceDirectory() {
		DurableFiles.forceDirectory(this.file.getParent());
	}

	private EventStoreException failure(Exception ex) {
		return new EventStoreException("Cannot save the parked events of processor '" + this.processor + "' to "
				+ this.file + ": " + ex.getMessage(), ex);
	}

	private static ObjectNode lineOf(ParkedEvent event) {
		return json.createObjectNode()
			.put("position", event.position())
			.put("streamId", event.streamId())
			.put("type", event.type())
			.put("attempts", event.attempts())
			.put("error", event.error())
			.put("parkedAt", event.parkedAt().toString());
	}

	/** A line of JSON with the CRC-32C of its other fields' text as its last field. */
	private static String checked(ObjectNode line) {
		String text = json.writeValueAsString(line);
		return text.substring(0, text.length() - 1) + ",\"crc32c\":\"" + crc(text) + "\"}\n";
	}

	/**
	 * A processor's parked events as its log holds them: one JSON line a change, a parked
	 * event or {@code {"unpark": position}}, each with the CRC-32C of its other fields'
	 * text. A last line that does not check out is an append a crash cut short (its park
	 * never returned, so nothing passed it): it is cut off. Any other line that does not
	 * check out is reported, never dropped.
	 */
	private static final class ParkedLog {

		final SortedMap<Long, ParkedEvent> parked = new TreeMap<>();

		/** Lines in the file. */
		int lines;

		/** Parked since the last write, in order: not in the file yet. */
		final List<ParkedEvent> pending = new ArrayList<>();

		/** Whether a write failed part way: the next one replaces the file whole. */
		boolean rewrite;

		static ParkedLog read(String processor, Path file) {
			ParkedLog log = new ParkedLog();
			byte[] bytes;
			try {
				bytes = Files.readAllBytes(file);
			}
			catch (NoSuchFileException ex) {
				return log;
			}
			catch (IOException ex) {
				throw new CheckpointException("Cannot read the parked events file " + file + " of processor '"
						+ processor + "': " + ex.getMessage(), ex);
			}
			String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
			long kept = 0;
			for (int i = 0; i < lines.length; i++) {
				String line = lines[i];
				boolean last = i == lines.length - 1 || (i == lines.length - 2 && lines[i + 1].isEmpty());
				if (line.isEmpty() && i == lines.length - 1) {
					break;
				}
				try {
					apply(log.parked, line);
					kept += line.getBytes(StandardCharsets.UTF_8).length + 1;
					log.lines++;
				}
				catch (RuntimeException ex) {
					if (last && bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
						cut(processor, file, kept);
						break;
					}
					throw new CheckpointException("The parked events file " + file + " of processor '" + processor
							+ "' is damaged at line " + (i + 1) + ": " + ex.getMessage()
							+ ". Nothing was delivered; restore the file or remove it (its events are then not retried)",
							ex);
				}
			}
			return log;
		}

		private static void apply(SortedMap<Long, ParkedEvent> parked, String line) {
			int crcAt = line.lastIndexOf(",\"crc32c\":\"");
			if (crcAt < 0 || !line.endsWith("\"}")
					|| !crc(line.substring(0, crcAt) + "}").equals(line.substring(crcAt + 11, line.length() - 2))) {
				throw new IllegalArgumentException("its checksum does not match (torn or edited)");
			}
			JsonNode node = json.readTree(line);
			if (node.has("unpark")) {
				parked.remove(node.path("unpark").asLong());
				return;
			}
			ParkedEvent event = new ParkedEvent(node.path("position").asLong(), node.path("streamId").asString(),
					node.path("type").asString(), node.path("attempts").asInt(), node.path("error").asString(),
					Instant.parse(node.path("parkedAt").asString()));
			parked.put(event.position(), event);
		}

		private static void cut(String processor, Path file, long kept) {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
				channel.truncate(kept);
				channel.force(true);
			}
			catch (IOException ex) {
				throw new CheckpointException("Cannot cut the torn last line of the parked events file " + file
						+ " of processor '" + processor + "': " + ex.getMessage(), ex);
			}
		}

	}

	private static String crc(String text) {
		CRC32C crc = new CRC32C();
		crc.update(text.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().toHexDigits((int) crc.getValue());
	}

}
