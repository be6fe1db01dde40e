package dev.eventstore.snapshot;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

import dev.eventstore.internal.DurableFiles;
import dev.eventstore.internal.Sha256;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Snapshots in files under {@code <journal>.snapshots/}, one for each stream and state
 * type, named by a hash of both (stream ids may hold any character). A file is one JSON
 * object with a CRC-32C of its content, written to a temporary file, forced and renamed
 * over the old one: a crash leaves the old snapshot or the new one. A save of an older
 * version than the stored one of the same fingerprint is dropped.
 */
final class FileSnapshotStore implements SnapshotStore {

	private static final System.Logger logger = System.getLogger(FileSnapshotStore.class.getName());

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Snapshots kept in memory at most: the latest read or saved of each hot stream. */
	private static final int RECENT = 1024;

	/** State larger than this is read from its file each time rather than kept. */
	private static final int RECENT_MAX_BYTES = 64 * 1024;

	private final Path directory;

	/**
	 * The snapshots this store read or saved lately, by stream and state type, so that
	 * loading a hot aggregate costs no file read: the stream's events are the truth, and
	 * a snapshot never goes stale for them, only older than the newest (when another
	 * store instance saved one), which costs only a longer replay.
	 */
	private final Map<String, Snapshot> recent = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
			return size() > RECENT;
		}

	};

	FileSnapshotStore(Path journal) {
		Path absolute = journal.toAbsolutePath();
		this.directory = absolute.resolveSibling(absolute.getFileName() + ".snapshots");
	}

	Path file(String streamId, String stateType) {
		byte[] digest = Sha256.of((stateType + "\n" + streamId).getBytes(StandardCharsets.UTF_8));
		return this.directory.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".snapshot");
	}

	@Override
	public Optional<Snapshot> load(String streamId, String stateType) {
		Snapshot known;
		synchronized (this.recent) {
			known = this.recent.get(key(streamId, stateType));
		}
		if (known != null) {
			return Optional.of(copy(known));
		}
		Optional<Snapshot> read = read(streamId, stateType);
		read.ifPresent(this::remember);
		return read;
	}

	private static String key(String streamId, String stateType) {
		return stateType + "\n" + streamId;
	}

	/** A snapshot the caller may change: its state array is its own. */
	private static Snapshot copy(Snapshot snapshot) {
		return new Snapshot(snapshot.streamId(), snapshot.stateType(), snapshot.version(), snapshot.fingerprint(),
				snapshot.state().clone());
	}

	private void remember(Snapshot snapshot) {
		if (snapshot.state().length <= RECENT_MAX_BYTES) {
			synchronized (this.recent) {
				this.recent.put(key(snapshot.streamId(), snapshot.stateType()), copy(snapshot));
			}
		}
	}

	private Optional<Snapshot> read(String streamId, String stateType) {
		Path file = file(streamId, stateType);
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new CorruptSnapshotException("Cannot read snapshot file " + file + ": " + ex.getMessage(), ex);
		}
		try {
			JsonNode node = json.readTree(bytes);
			String state = json.writeValueAsString(node.required("state"));
			long version = node.required("version").asLong();
			String fingerprint = node.required("fingerprint").asString();
			if (!streamId.equals(node.required("streamId").asString())
					|| !stateType.equals(node.required("stateType").asString())) {
				throw new CorruptSnapshotException("Snapshot file " + file + " belongs to another stream");
			}
			if (!checksum(streamId, stateType, version, fingerprint, state)
				.equals(node.required("crc32c").asString())) {
				throw new CorruptSnapshotException("Snapshot file " + file + " fails its checksum (torn or edited)");
			}
			return Optional
				.of(new Snapshot(streamId, stateType, version, fingerprint, state.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new CorruptSnapshotException("Snapshot file " + file + " is not a whole snapshot: " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public synchronized void save(Snapshot snapshot) {
		Path file = file(snapshot.streamId(), snapshot.stateType());
		try {
			Optional<Snapshot> stored = read(snapshot.streamId(), snapshot.stateType());
			if (stored.isPresent() && stored.get().version() >= snapshot.version()
					&& stored.get().fingerprint().equals(snapshot.fingerprint())) {
				return;
			}
		}
		catch (CorruptSnapshotException ex) {
			// Replaced below.
		}
		String state = new String(snapshot.state(), StandardCharsets.UTF_8);
		ObjectNode node = json.createObjectNode();
		node.put("streamId", snapshot.streamId());
		node.put("stateType", snapshot.stateType());
		node.put("version", snapshot.version());
		node.put("fingerprint", snapshot.fingerprint());
		node.set("state", json.readTree(state));
		node.put("crc32c", checksum(snapshot.streamId(), snapshot.stateType(), snapshot.version(),
				snapshot.fingerprint(), json.writeValueAsString(node.get("state"))));
		try {
			Files.createDirectories(this.directory);
			DurableFiles.replaceWithoutForcingDirectory(file, json.writeValueAsBytes(node));
			remember(snapshot);
		}
		catch (IOException ex) {
			// A snapshot is an optimisation: the stream still holds the truth.
			logger.log(Level.WARNING, "Could not save " + snapshot + " to " + file, ex);
		}
	}

	private static String checksum(String streamId, String stateType, long version, String fingerprint, String state) {
		CRC32C crc = new CRC32C();
		crc.update((streamId + "\n" + stateType + "\n" + version + "\n" + fingerprint + "\n" + state)
			.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().toHexDigits((int) crc.getValue());
	}

	@Override
	public String toString() {
		return "snapshot files in " + this.directory;
	}

}
