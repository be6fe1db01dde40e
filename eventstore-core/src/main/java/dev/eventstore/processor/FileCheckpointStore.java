package dev.eventstore.processor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import dev.eventstore.EventStoreException;
import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checkpoints in files next to the journal, one line of JSON each with a CRC-32C of its
 * values. A save writes a temporary file, forces it, renames it over the old one and
 * forces the directory: after a crash the file holds the old checkpoint or the new one. A
 * file that does not hold a whole, checksummed checkpoint is reported, never guessed at.
 */
final class FileCheckpointStore implements CheckpointStore {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** A journal line's start, up to its event's id. */
	private static final Pattern FIRST_ID = Pattern.compile("^\\{\"event_id\":\\d+,\"uuid\":\"([0-9a-f-]{36})\"");

	private final Path directory;

	private final String journalName;

	/** One lock a checkpoint file, for compare-and-set among this process's stores. */
	private static final Map<Path, Object> SAVING = new ConcurrentHashMap<>();

	/**
	 * Each parked events file as last read or written, under its lock in {@link #SAVING}.
	 */
	private static final Map<Path, ParkedLog> PARKED = new ConcurrentHashMap<>();

	/**
	 * The id a segmented journal keeps in its directory ({@code journal.id}, see
	 * {@code docs/reference/journal-format.md}), once read.
	 */
	private volatile @Nullable String journalId;

	FileCheckpointStore(Path journal) {
		Path absolute = journal.toAbsolutePath();
		this.directory = Objects.requireNonNull(absolute.getParent(), "journal directory");
		this.journalName = absolute.getFileName().toString();
	}

	/**
	 * The journal's id, once it has one: checkpoints record it, so that one copied from
	 * another journal is refused, not resumed from.
	 */
	private @Nullable String journalId() {
		String known = this.journalId;
		if (known == null) {
			known = readJournalId(this.directory.resolve(this.journalName));
			if (known == null) {
				// A journal not yet opened, without events, or of the original format: no
				// id to check against.
				return null;
			}
			this.journalId = known;
		}
		return known;
	}

	Path file(String processor) {
		return this.directory.resolve(this.journalName + "." + ProcessorNames.require(processor) + ".checkpoint");
	}

	/**
	 * A journal's id: a segmented journal's {@code journal.id}, a single file's first
	 * event's id, read from the start of its first line (see
	 * {@code docs/reference/journal-format.md}).
	 */
	private static @Nullable String readJournalId(Path journal) {
		try {
			if (Files.isDirectory(journal)) {
				return UUID
					.fromString(Files.readString(journal.resolve("journal.id"), StandardCharsets.US_ASCII).strip())
					.toString();
			}
			byte[] start = new byte[256];
			int read;
			try (InputStream in = Files.newInputStream(journal)) {
				read = in.readNBytes(start, 0, start.length);
			}
			Matcher id = FIRST_ID.matcher(new String(start, 0, read, StandardCharsets.US_ASCII));
			return id.find() ? UUID.fromString(id.group(1)).toString() : null;
		}
		catch (IOException | IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public Optional<Checkpoint> load(String processor) {
		Path file = file(processor);
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new CheckpointException(
					"Cannot read the checkpoint file " + file + " of processor '" + processor + "': " + ex.getMessage(),
					ex);
		}
		return Optional.of(parse(file, processor, new String(bytes, StandardCharsets.UTF_8), journalId()));
	}

	private static Checkpoint parse(Path file, String processor, String text, @Nullable String journal) {
		String problem;
		try {
			JsonNode node = json.readTree(text);
			if (node == null || !node.isObject()) {
				problem = "it is not a JSON object";
			}
			else if (!node.path("position").isIntegralNumber() || !node.path("replayUntil").isIntegralNumber()) {
				problem = "its position is not a number";
			}
			else if (!processor.equals(node.path("processor").asString(""))) {
				problem = "it belongs to processor '" + node.path("processor").asString("") + "'";
			}
			else {
				long position = node.path("position").asLong();
				long replayUntil = node.path("replayUntil").asLong();
				// Written by an earlier release without it, if missing.
				String owner = node.has("journal") ? node.path("journal").asString("") : null;
				if (!checksum(processor, position, replayUntil, owner).equals(node.path("crc32c").asString(""))) {
					problem = "its checksum does not match (torn or edited)";
				}
				else if (owner != null && journal != null && !owner.equals(journal)) {
					problem = "it belongs to another journal (" + owner + "; this journal is " + journal + ")";
				}
				else if (position < 0 || replayUntil < 0) {
					problem = "its position is negative";
				}
				else {
					return new Checkpoint(position, replayUntil);
				}
			}
		}
		catch (JacksonException ex) {
			problem = "it is not whole JSON (torn or not a checkpoint): " + ex.getOriginalMessage();
		}
		throw new CheckpointException("The checkpoint file " + file + " of processor '" + processor + "' is damaged: "
				+ problem + ". Nothing was delivered; reset the processor to choose where it resumes");
	}

	@Override
	public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
		Path file = file(processor);
		// Compared with the file, not with what this instance saw: another store on the
		// same journal may have moved it.
		synchronized (SAVING.computeIfAbsent(file.toAbsolutePath().normalize(), (key) -> new Object())) {
			Checkpoint stored;
			try {
				stored = load(processor).orElse(null);
			}
			catch (CheckpointException ex) {
				// Damaged: what the processor reported and an operator's reset replaces,
				// as if none were stored.
				stored = null;
			}
			if (!Objects.equals(stored, expected)) {
				throw new CheckpointConflictException("The checkpoint of processor '" + processor + "' is " + stored
						+ ", not the expected " + expected + ": another instance moved it");
			}
			// The events parked since the last save are on disk before a checkpoint that
			// passes them.
			writeParked(processor);
			write(processor, file, next);
		}
	}

	private void write(String processor, Path file, Checkpoint next) {
		String journal = journalId();
		String line = "{\"processor\":\"" + processor + "\",\"position\":" + next.position() + ",\"replayUntil\":"
				+ next.replayUntil() + ((journal != null) ? ",\"journal\":\"" + journal + "\"" : "") + ",\"crc32c\":\""
				+ checksum(processor, next.position(), next.replayUntil(), journal) + "\"}\n";
		try {
			replace(file, line.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new EventStoreException(
					"Cannot save the checkpoint of processor '" + processor + "' to " + file + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Replaces a file whole ({@link DurableFiles#replace}): after a crash it holds the
	 * old content or the new.
	 */
	private static void replace(Path file, byte[] content) throws IOException {
		try {
			DurableFiles.replace(file, content);
		}
		catch (AtomicMoveNotSupportedException ex) {
			throw new EventStoreException("The file system of " + file + " cannot rename atomically", ex);
		}
	}

	Path parkedFile(String processor) {
		return this.directory.resolve(this.journalName + "." + ProcessorNames.require(processor) + ".parked");
	}

	@Override
	public boolean keepsParkedEvents() {
		return true;
	}

	@Override
	public List<ParkedEvent> parked(String processor) {
		Path file = parkedFile(processor);
		Path key = file.toAbsolutePath().normalize();
		synchronized (SAVING.computeIfAbsent(key, (k) -> new Object())) {
			ParkedLog written = PARKED.get(key);
			if (written != null) {
				writePending(processor, file, written);
			}
			// Read from the file at every load, so that an operator's repair counts.
			ParkedLog log = ParkedLog.read(processor, file);
			PARKED.put(file.toAbsolutePath().normalize(), log);
			return List.copyOf(log.parked.values());
		}
	}

	@Override
	public void park(String processor, ParkedEvent event) {
		changeParked(processor, checked(lineOf(event)), (parked) -> parked.put(event.position(), event));
	}

	/**
	 * Parks an event in memory; the file gets it with the processor's next checkpoint
	 * save, before the checkpoint (or at the next list or change): every event of a
	 * jammed stream is parked, and one forced write a save instead of one an event keeps
	 * the other streams' events moving at the processor's pace rather than the disk's.
	 * Until then a crash loses nothing: the checkpoint has not passed the event, which is
	 * delivered, and parked, again.
	 */
	@Override
	public void parkPassed(String processor, ParkedEvent event) {
		Path file = parkedFile(processor);
		Path key = file.toAbsolutePath().normalize();
		synchronized (SAVING.computeIfAbsent(key, (k) -> new Object())) {
			ParkedLog log = PARKED.get(key);
			if (log == null) {
				log = ParkedLog.read(processor, file);
				PARKED.put(key, log);
			}
			log.parked.put(event.position(), event);
			log.pending.add(event);
		}
	}

	/** Writes the processor's parked events not written yet, if any. */
	private void writeParked(String processor) {
		Path file = parkedFile(processor);
		Path key = file.toAbsolutePath().normalize();
		synchronized (SAVING.computeIfAbsent(key, (k) -> new Object())) {
			ParkedLog log = PARKED.get(key);
			if (log != null) {
				writePending(processor, file, log);
			}
		}
	}

	/**
	 * Appends the parked events not written yet to the log in one forced write, or
	 * rewrites the log whole when it holds many more lines than parked events or an
	 * earlier write failed part way. Under the file's lock.
	 */
	private void writePending(String processor, Path file, ParkedLog log) {
		if (log.pending.isEmpty() && !log.rewrite) {
			return;
		}
		try {
			if (log.parked.isEmpty()) {
				Files.deleteIfExists(file);
				log.lines = 0;
				forceDirectory();
			}
			else if (log.rewrite || log.lines + log.pending.size() > 2 * log.parked.size() + 64) {
				StringBuilder all = new StringBuilder();
				for (ParkedEvent event : log.parked.values()) {
					all.append(checked(lineOf(event)));
				}
				replace(file, all.toString().getBytes(StandardCharsets.UTF_8));
				log.lines = log.parked.size();
			}
			else {
				StringBuilder lines = new StringBuilder();
				for (ParkedEvent event : log.pending) {
					lines.append(checked(lineOf(event)));
				}
				append(file, lines.toString());
				log.lines += log.pending.size();
			}
			log.pending.clear();
			log.rewrite = false;
		}
		catch (IOException | RuntimeException ex) {
			// What reached the file is not known: the next write replaces it whole, from
			// what is parked here.
			log.rewrite = true;
			throw new EventStoreException("Cannot save the parked events of processor '" + processor + "' to " + file
					+ ": " + ex.getMessage(), ex);
		}
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

	/** Appends lines and forces them, and the directory when the file is new. */
	private void append(Path file, String lines) throws IOException {
		boolean created = !Files.exists(file);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
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

	@Override
	public void unpark(String processor, long position) {
		changeParked(processor, checked(json.createObjectNode().put("unpark", position)),
				(parked) -> parked.remove(position));
	}

	/** One line each, in one forced write. */
	@Override
	public void unparkAll(String processor, List<Long> positions) {
		StringBuilder lines = new StringBuilder();
		for (long position : positions) {
			lines.append(checked(json.createObjectNode().put("unpark", position)));
		}
		changeParked(processor, lines.toString(), (parked) -> positions.forEach(parked::remove), positions.size());
	}

	/**
	 * Appends one change to the processor's parked log and forces it, after the parked
	 * events not written yet. The log is rewritten whole (temporary file, rename) once it
	 * holds many more lines than parked events, and removed once none is parked.
	 */
	private void changeParked(String processor, String line, Consumer<SortedMap<Long, ParkedEvent>> change) {
		changeParked(processor, line, change, 1);
	}

	/**
	 * The same for several changes: their lines, each checked, and how many there are.
	 */
	private void changeParked(String processor, String lines, Consumer<SortedMap<Long, ParkedEvent>> change,
			int count) {
		Path file = parkedFile(processor);
		Path key = file.toAbsolutePath().normalize();
		synchronized (SAVING.computeIfAbsent(key, (k) -> new Object())) {
			ParkedLog log = PARKED.get(key);
			if (log == null) {
				log = ParkedLog.read(processor, file);
				PARKED.put(key, log);
			}
			writePending(processor, file, log);
			change.accept(log.parked);
			try {
				if (log.parked.isEmpty()) {
					Files.deleteIfExists(file);
					log.lines = 0;
					forceDirectory();
				}
				else if (log.lines + count > 2 * log.parked.size() + 64) {
					StringBuilder all = new StringBuilder();
					for (ParkedEvent event : log.parked.values()) {
						all.append(checked(lineOf(event)));
					}
					replace(file, all.toString().getBytes(StandardCharsets.UTF_8));
					log.lines = log.parked.size();
				}
				else {
					append(file, lines);
					log.lines += count;
				}
			}
			catch (IOException | RuntimeException ex) {
				// What is on disk is not known now: the next change reads it again.
				PARKED.remove(key);
				throw new EventStoreException("Cannot save the parked events of processor '" + processor + "' to "
						+ file + ": " + ex.getMessage(), ex);
			}
		}
	}

	private void forceDirectory() {
		DurableFiles.forceDirectory(this.directory);
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

	private static String checksum(String processor, long position, long replayUntil, @Nullable String journal) {
		CRC32C crc = new CRC32C();
		crc.update((processor + "\n" + position + "\n" + replayUntil + ((journal != null) ? "\n" + journal : ""))
			.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().toHexDigits((int) crc.getValue());
	}

	@Override
	public String toString() {
		return "checkpoint files beside " + this.directory.resolve(this.journalName);
	}

}
