package dev.eventstore.personal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;

import dev.eventstore.internal.DurableFiles;
import dev.eventstore.internal.Sha256;
import org.jspecify.annotations.Nullable;

/**
 * Keys in a directory, one small file a subject (its wrapped key), spread over 256
 * sub-directories by the first byte of the subject's reference; the master key's check
 * value in {@code check}; the notes of erasures not yet announced in {@code erased}. A
 * key is written to a temporary file, forced, renamed into place and its directory
 * forced, so a crash leaves it whole or absent; an erasure deletes the file and forces
 * its directory before it returns, so it costs the same however many subjects there are.
 * Opening reads only the notes' directory (empty unless a crash cut an erasure short),
 * whatever the number of keys: the keys are counted when {@link #size()} is first asked
 * for. Keep the directory beside the journal and in its backups. Thread-safe within one
 * process; one store at a time uses a directory (the journal's lock guards the process).
 *
 * <p>
 * Written by hand rather than with a library: it is the same atomic replace the journal's
 * checkpoint and side files use, and nothing more is needed.
 *
 * @since 0.2.0
 */
public final class FileSubjectKeyStore implements SubjectKeyStore {

	private static final String SUFFIX = ".key";

	/** How many locks the subjects' key changes are spread over. */
	private static final int STRIPES = 64;

	private static final String CHECK = "check";

	/**
	 * The directory of erasures' notes: a file each, named by the subject's reference and
	 * holding its erased key's fingerprint, until the erasure is announced.
	 */
	private static final String ERASED = "erased";

	private final Path directory;

	private final Path notes;

	/**
	 * Subjects with a key: -1 until first asked for, then counted and kept up to date
	 * (each change holding {@link #counting} shared).
	 */
	private final AtomicLong size = new AtomicLong(-1);

	/** Erasures not yet announced: found at open, kept up to date. */
	private final Set<String> pending = ConcurrentHashMap.newKeySet();

	/**
	 * The changes of one subject's key (made, erased) exclude each other under its
	 * stripe; those of different subjects run side by side, so that their forced writes
	 * overlap: under one lock for all, first events of new subjects on 16 threads were
	 * held to one key's two forced writes at a time (docs/performance.md).
	 */
	private final Object[] stripes = new Object[STRIPES];

	/**
	 * Held shared by every change of a key and alone by the first count, which so sees no
	 * change half-made.
	 */
	private final ReadWriteLock counting = new ReentrantReadWriteLock();

	/**
	 * Shards (and the notes' directory) whose entries in the key directory are known
	 * forced: a key written into a shard another thread has just made does not return
	 * before the shard is on the disk too.
	 */
	private final Set<Path> durableShards = ConcurrentHashMap.newKeySet();

	/**
	 * Opens (creating it if missing) a key directory.
	 * @param directory the directory
	 * @throws UncheckedIOException if it cannot be created or read
	 * @throws IllegalArgumentException if it is a file
	 */
	public FileSubjectKeyStore(Path directory) {
		this.directory = directory.toAbsolutePath().normalize();
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new Object();
		}
		try {
			if (Files.exists(this.directory) && !Files.isDirectory(this.directory)) {
				throw new IllegalArgumentException(
						"Cannot keep personal-data keys in " + this.directory + ": it is a file, not a directory");
			}
			boolean created = !Files.exists(this.directory);
			Files.createDirectories(this.directory);
			if (created) {
				DurableFiles.forceDirectory(this.directory.getParent());
			}
			this.notes = this.directory.resolve(ERASED);
			readNotes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the personal-data key directory " + this.directory + ": " + ex,
					ex);
		}
	}

	/**
	 * Finds the erasures not yet announced, and finishes each a crash cut short between
	 * its note and the key's deletion: the key is deleted if it is the one the note names
	 * (by its fingerprint), and kept if the subject got a new key since.
	 */
	private void readNotes() throws IOException {
		if (!Files.isDirectory(this.notes)) {
			return;
		}
		try (DirectoryStream<Path> notes = Files.newDirectoryStream(this.notes)) {
			for (Path note : notes) {
				String name = note.getFileName().toString();
				if (isReference(name)) {
					byte[] wrapped = find(name);
					if (wrapped != null && Arrays.equals(Files.readAllBytes(note), fingerprint(wrapped))) {
						delete(name);
					}
					this.pending.add(name);
				}
				else if (name.endsWith(".tmp")) {
					// A crash while it was written: the erasure was never begun.
					Files.deleteIfExists(note);
				}
			}
		}
	}

	/**
	 * What an erasure's note holds: the SHA-256 of the wrapped key it erases, which tells
	 * that key apart from a new one and reveals nothing of it.
	 */
	static byte[] fingerprint(byte[] wrappedKey) {
		return Sha256.of(wrappedKey);
	}

	@Override
	public void forEachKey(BiConsumer<String, byte[]> action) {
		try (DirectoryStream<Path> shards = Files.newDirectoryStream(this.directory, FileSubjectKeyStore::isShard)) {
			for (Path shard : shards) {
				try (DirectoryStream<Path> keys = Files.newDirectoryStream(shard,
						(key) -> key.getFileName().toString().endsWith(SUFFIX))) {
					for (Path key : keys) {
						String name = key.getFileName().toString();
						byte[] wrapped = find(name.substring(0, name.length() - SUFFIX.length()));
						if (wrapped != null) {
							action.accept(name.substring(0, name.length() - SUFFIX.length()), wrapped);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list the keys in " + this.directory + ": " + ex, ex);
		}
	}

	/** A directory of keys: named by the first two hex digits of their references. */
	private static boolean isShard(Path path) {
		return path.getFileName().toString().length() == 2 && Files.isDirectory(path);
	}

	/** Reads every shard: only when the count is first asked for. */
	private long count() throws IOException {
		long count = 0;
		try (DirectoryStream<Path> shards = Files.newDirectoryStream(this.directory, FileSubjectKeyStore::isShard)) {
			for (Path shard : shards) {
				try (DirectoryStream<Path> keys = Files.newDirectoryStream(shard)) {
					for (Path key : keys) {
						String name = key.getFileName().toString();
						if (name.endsWith(SUFFIX)) {
							count++;
						}
						else if (name.endsWith(".tmp")) {
							// A crash while it was written: the key was never
							// acknowledged.
							Files.deleteIfExists(key);
						}
					}
				}
			}
		}
		return count;
	}

	private static boolean isReference(String subject) {
		return subject.length() >= 8
				&& subject.chars().allMatch((c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
	}

	private Path pathOf(String subject) {
		if (!isReference(subject)) {
			throw new IllegalArgumentException("Not a subject reference: " + subject);
		}
		return this.directory.resolve(subject.substring(0, 2)).resolve(subject + SUFFIX);
	}

	private Path noteOf(String subject) {
		if (!isReference(subject)) {
			throw new IllegalArgumentException("Not a subject reference: " + subject);
		}
		return this.notes.resolve(subject);
	}

	@Override
	public byte @Nullable [] find(String subject) {
		Path path = pathOf(subject);
		try {
			return Files.readAllBytes(path);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the key of a data subject from " + path + ": " + ex, ex);
		}
	}

	@Override
	public byte[] putIfAbsent(String subject, byte[] wrappedKey) {
		Path path = pathOf(subject);
		synchronized (stripe(subject)) {
			this.counting.readLock().lock();
			try {
				byte[] existing = find(subject);
				if (existing != null) {
					return existing;
				}
				try {
					ensureDurable(path.getParent());
					DurableFiles.replace(path, wrappedKey);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(
							"Cannot write the key of a data subject to " + path + ": " + ex + "; nothing was stored",
							ex);
				}
				counted(1);
				return wrappedKey;
			}
			finally {
				this.counting.readLock().unlock();
			}
		}
	}

	/**
	 * Makes a directory in the key directory if it is missing, forcing its entry. Under
	 * one lock, so that a directory found there is one that was there at open or one
	 * whose maker forced it before letting go: none is forced twice, none used unforced.
	 */
	private void ensureDurable(Path made) throws IOException {
		if (this.durableShards.contains(made)) {
			return;
		}
		synchronized (this.durableShards) {
			if (!this.durableShards.contains(made)) {
				if (!Files.isDirectory(made)) {
					Files.createDirectories(made);
					DurableFiles.forceDirectory(this.directory);
				}
				this.durableShards.add(made);
			}
		}
	}

	@Override
	public boolean delete(String subject) {
		Path path = pathOf(subject);
		synchronized (stripe(subject)) {
			this.counting.readLock().lock();
			try {
				boolean deleted = Files.deleteIfExists(path);
				if (deleted) {
					DurableFiles.forceDirectory(path.getParent());
					counted(-1);
				}
				return deleted;
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot destroy the key of a data subject at " + path + ": " + ex, ex);
			}
			finally {
				this.counting.readLock().unlock();
			}
		}
	}

	private Object stripe(String subject) {
		return this.stripes[(subject.hashCode() & 0x7fffffff) % STRIPES];
	}

	/**
	 * Writes the erasure's note (the key's fingerprint), then deletes the key: a crash
	 * between the two leaves both, and the next open finishes the erasure.
	 */
	@Override
	public boolean erase(String subject) {
		Path note = noteOf(subject);
		synchronized (stripe(subject)) {
			byte[] wrapped = find(subject);
			if (wrapped == null) {
				return false;
			}
			try {
				ensureDurable(this.notes);
				DurableFiles.replace(note, fingerprint(wrapped));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(
						"Cannot note the erasure of a data subject at " + note + ": " + ex + "; nothing was erased",
						ex);
			}
			this.pending.add(subject);
			return delete(subject);
		}
	}

	@Override
	public void erasureAnnounced(String subject) {
		Path note = noteOf(subject);
		synchronized (stripe(subject)) {
			try {
				if (Files.deleteIfExists(note)) {
					DurableFiles.forceDirectory(note.getParent());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot drop the note of an announced erasure " + note + ": " + ex, ex);
			}
			this.pending.remove(subject);
		}
	}

	@Override
	public List<String> pendingErasures() {
		return List.copyOf(this.pending);
	}

	/** The note's content: the fingerprint of the key the erasure destroyed. */
	@Override
	public byte @Nullable [] erasureFingerprint(String subject) {
		if (!this.pending.contains(subject)) {
			return null;
		}
		Path note = noteOf(subject);
		try {
			byte[] fingerprint = Files.readAllBytes(note);
			return (fingerprint.length == Sha256.BYTES) ? fingerprint : null;
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the note of an erasure " + note + ": " + ex, ex);
		}
	}

	@Override
	public byte @Nullable [] checkValue() {
		Path path = this.directory.resolve(CHECK);
		try {
			return Files.readAllBytes(path);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the master key's check value " + path + ": " + ex, ex);
		}
	}

	@Override
	public synchronized void saveCheckValue(byte[] value) {
		Path path = this.directory.resolve(CHECK);
		if (Files.exists(path)) {
			return;
		}
		try {
			DurableFiles.replace(path, value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the master key's check value " + path + ": " + ex, ex);
		}
	}

	/**
	 * Counted the first time it is asked for (reading every shard, while key changes
	 * wait), then kept up to date.
	 * @throws UncheckedIOException if the directory cannot be read
	 */
	@Override
	public long size() {
		long size = this.size.get();
		if (size >= 0) {
			return size;
		}
		this.counting.writeLock().lock();
		try {
			if (this.size.get() < 0) {
				try {
					this.size.set(count());
				}
				catch (IOException ex) {
					throw new UncheckedIOException(
							"Cannot count the keys of data subjects in " + this.directory + ": " + ex, ex);
				}
			}
			return this.size.get();
		}
		finally {
			this.counting.writeLock().unlock();
		}
	}

	/**
	 * Moves the count on by a change, once it is counted; under {@link #counting},
	 * shared.
	 */
	private void counted(int change) {
		this.size.getAndUpdate((size) -> (size >= 0) ? size + change : size);
	}

	@Override
	public String location() {
		return this.directory.toString();
	}

	@Override
	public String toString() {
		return "FileSubjectKeyStore[" + this.directory + "]";
	}

}
