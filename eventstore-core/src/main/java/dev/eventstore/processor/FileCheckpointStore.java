package dev.eventstore.processor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import dev.eventstore.EventStoreException;
import dev.eventstore.internal.DurableFiles;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
			parkedEvents(processor).writePending();
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
	static void replace(Path file, byte[] content) throws IOException {
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

	private ParkedEventsFile parkedEvents(String processor) {
		return ParkedEventsFile.of(parkedFile(processor), processor);
	}

	@Override
	public boolean keepsParkedEvents() {
		return true;
	}

	@Override
	public List<ParkedEvent> parked(String processor) {
		return parkedEvents(processor).list();
	}

	@Override
	public void park(String processor, ParkedEvent event) {
		parkedEvents(processor).park(event);
	}

	/**
	 * Parks an event in memory; the file gets it with the processor's next checkpoint
	 * save, before the checkpoint ({@link ParkedEventsFile#parkPassed}).
	 */
	@Override
	public void parkPassed(String processor, ParkedEvent event) {
		parkedEvents(processor).parkPassed(event);
	}

	@Override
	public void unpark(String processor, long position) {
		parkedEvents(processor).unpark(position);
	}

	/** One line each, in one forced write. */
	@Override
	public void unparkAll(String processor, List<Long> positions) {
		parkedEvents(processor).unparkAll(positions);
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
