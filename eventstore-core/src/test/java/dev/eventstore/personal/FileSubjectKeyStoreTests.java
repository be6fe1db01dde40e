package dev.eventstore.personal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.eventstore.internal.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The file key store opens by reading its erasures' notes only; its keys are counted when
 * the count is first asked for, and the count follows every change after.
 */
class FileSubjectKeyStoreTests {

	private static final byte[] KEY = new byte[60];

	@TempDir
	Path dir;

	private static String reference(char digit) {
		return String.valueOf(digit).repeat(64);
	}

	@Test
	void keysAreCountedWhenFirstAskedForAndTheCountFollowsEveryChangeAfter() {
		FileSubjectKeyStore first = new FileSubjectKeyStore(this.dir);
		for (char digit : new char[] { '1', '2', '3' }) {
			first.putIfAbsent(reference(digit), KEY);
		}
		assertThat(first.erase(reference('1'))).isTrue();

		FileSubjectKeyStore reopened = new FileSubjectKeyStore(this.dir);
		assertThat(reopened.pendingErasures()).as("the note, found at open").containsExactly(reference('1'));
		reopened.putIfAbsent(reference('4'), KEY);
		assertThat(reopened.delete(reference('2'))).isTrue();
		assertThat(reopened.size()).as("counted now: 3 and 4").isEqualTo(2);

		reopened.putIfAbsent(reference('5'), KEY);
		reopened.putIfAbsent(reference('5'), KEY);
		assertThat(reopened.size()).isEqualTo(3);
		assertThat(reopened.erase(reference('3'))).isTrue();
		assertThat(reopened.erase(reference('3'))).isFalse();
		assertThat(reopened.delete(reference('2'))).isFalse();
		assertThat(reopened.size()).isEqualTo(2);
		reopened.erasureAnnounced(reference('1'));
		assertThat(reopened.pendingErasures()).containsExactly(reference('3'));

		assertThat(new FileSubjectKeyStore(this.dir).size()).as("the files agree").isEqualTo(2);
		assertThat(new FileSubjectKeyStore(this.dir).pendingErasures()).containsExactly(reference('3'));
	}

	@Test
	void writesACrashCutShortAreClearedAwayAndNeverCounted() throws IOException {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		store.putIfAbsent(reference('a'), KEY);
		store.putIfAbsent(reference('c'), KEY);
		assertThat(store.erase(reference('a'))).isTrue();
		Path keyLeft = this.dir.resolve("cc").resolve(reference('d') + ".key.tmp");
		Files.write(keyLeft, KEY);
		Path noteLeft = this.dir.resolve("erased").resolve(reference('e') + ".tmp");
		Files.write(noteLeft, new byte[0]);

		FileSubjectKeyStore reopened = new FileSubjectKeyStore(this.dir);
		assertThat(noteLeft).as("a note never written: no erasure begun").doesNotExist();
		assertThat(reopened.pendingErasures()).containsExactly(reference('a'));
		assertThat(reopened.size()).isEqualTo(1);
		assertThat(keyLeft).as("a key never acknowledged").doesNotExist();
	}

	@Test
	void anErasureACrashCutShortBeforeTheKeyWasDeletedIsFinishedAtOpenForThatKeyOnly() throws IOException {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		byte[] erased = KEY.clone();
		erased[0] = 1;
		store.putIfAbsent(reference('1'), erased);
		byte[] fresh = KEY.clone();
		fresh[0] = 2;
		store.putIfAbsent(reference('2'), fresh);
		Path notes = Files.createDirectories(this.dir.resolve("erased"));
		// Subject 1: the crash came after the note, before the key's deletion.
		Files.write(notes.resolve(reference('1')), FileSubjectKeyStore.fingerprint(erased));
		// Subject 2: its erased key is gone, and it has a new one since.
		Files.write(notes.resolve(reference('2')), FileSubjectKeyStore.fingerprint(erased));

		FileSubjectKeyStore reopened = new FileSubjectKeyStore(this.dir);
		assertThat(reopened.find(reference('1'))).as("the key the note names").isNull();
		assertThat(reopened.find(reference('2'))).as("a key the subject got since").isEqualTo(fresh);
		assertThat(reopened.pendingErasures()).containsExactlyInAnyOrder(reference('1'), reference('2'));
		assertThat(reopened.size()).isEqualTo(1);
	}

	@Test
	void everyKeyIsListedForACopyButNeitherNotesNorTornWrites() throws IOException {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		byte[] other = KEY.clone();
		other[0] = 7;
		store.putIfAbsent(reference('a'), KEY);
		store.putIfAbsent(reference('b'), other);
		store.putIfAbsent(reference('c'), KEY);
		assertThat(store.erase(reference('c'))).isTrue();
		Files.write(this.dir.resolve("bb").resolve(reference('d') + ".key.tmp"), KEY);

		Map<String, byte[]> listed = new TreeMap<>();
		new FileSubjectKeyStore(this.dir).forEachKey(listed::put);
		assertThat(listed).containsOnlyKeys(reference('a'), reference('b'));
		assertThat(listed.get(reference('b'))).containsExactly(other);

		InMemorySubjectKeyStore memory = new InMemorySubjectKeyStore();
		memory.putIfAbsent(reference('a'), KEY);
		memory.putIfAbsent(reference('c'), KEY);
		memory.erase(reference('c'));
		Map<String, byte[]> inMemory = new TreeMap<>();
		memory.forEachKey(inMemory::put);
		assertThat(inMemory).containsOnlyKeys(reference('a'));
	}

	@Test
	void onlySubjectReferencesNameKeysAndNotes() {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		assertThatIllegalArgumentException().isThrownBy(() -> store.erasureAnnounced("../check"))
			.withMessageContaining("Not a subject reference: ../check");
		assertThatIllegalArgumentException().isThrownBy(() -> store.erase("ERASED"))
			.withMessageContaining("Not a subject reference");
	}

	@Test
	void subjectsKeysMadeOnManyThreadsAtOnceEachKeepTheFirstKeyAndAreAllCounted() throws Exception {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		int threads = 8;
		int subjects = 40;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Map<String, byte[]>>> kept = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				byte[] own = new byte[60];
				Arrays.fill(own, (byte) t);
				kept.add(pool.submit(() -> {
					start.await();
					Map<String, byte[]> keys = new TreeMap<>();
					for (int s = 0; s < subjects; s++) {
						String subject = referenceOf(s);
						keys.put(subject, store.putIfAbsent(subject, own));
						if (s % 8 == 0) {
							// Counted while others write: no key half-made is counted.
							assertThat(store.size()).isBetween(1L, (long) subjects);
						}
					}
					return keys;
				}));
			}
			start.countDown();
			Map<String, byte[]> first = kept.get(0).get(30, TimeUnit.SECONDS);
			for (Future<Map<String, byte[]>> other : kept) {
				Map<String, byte[]> keys = other.get(30, TimeUnit.SECONDS);
				for (int s = 0; s < subjects; s++) {
					String subject = referenceOf(s);
					assertThat(keys.get(subject)).as("every thread is given the key the store kept for " + subject)
						.isEqualTo(first.get(subject))
						.isEqualTo(store.find(subject));
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(store.size()).isEqualTo(subjects);
		assertThat(new FileSubjectKeyStore(this.dir).size()).as("the files agree").isEqualTo(subjects);
		try (Stream<Path> files = Files.walk(this.dir)) {
			assertThat(files.map(Path::toString)).noneMatch((name) -> name.endsWith(".tmp"));
		}
	}

	@Test
	void erasuresAndNewKeysOfDifferentSubjectsOnManyThreadsLeaveEachSubjectAsItsLastChangeSaid() throws Exception {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		assertThat(store.size()).isZero();
		int subjects = 64;
		for (int s = 0; s < subjects; s++) {
			store.putIfAbsent(referenceOf(s), KEY);
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int s = 0; s < subjects; s++) {
				String subject = referenceOf(s);
				String newcomer = referenceOf(subjects + s);
				boolean erased = s % 2 == 0;
				done.add(pool.submit(() -> {
					if (erased) {
						assertThat(store.erase(subject)).isTrue();
					}
					store.putIfAbsent(newcomer, KEY);
				}));
			}
			for (Future<?> each : done) {
				each.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(store.size()).as("64 kept or new, 32 erased").isEqualTo(subjects + subjects / 2);
		assertThat(store.pendingErasures()).hasSize(subjects / 2);
		FileSubjectKeyStore reopened = new FileSubjectKeyStore(this.dir);
		assertThat(reopened.size()).isEqualTo(subjects + subjects / 2);
		assertThat(reopened.pendingErasures()).as("each erasure's note, found at open")
			.containsExactlyInAnyOrderElementsOf(store.pendingErasures());
		for (int s = 0; s < subjects; s += 2) {
			assertThat(reopened.find(referenceOf(s))).isNull();
			assertThat(reopened.erasureFingerprint(referenceOf(s))).isEqualTo(FileSubjectKeyStore.fingerprint(KEY));
		}
	}

	@Test
	void anErasuresFingerprintIsItsNotesAndNoneForADamagedNoteOrNoErasure() throws IOException {
		FileSubjectKeyStore store = new FileSubjectKeyStore(this.dir);
		store.putIfAbsent(reference('1'), KEY);
		store.putIfAbsent(reference('2'), KEY);
		assertThat(store.erasureFingerprint(reference('1'))).as("not erased").isNull();
		assertThat(store.erase(reference('1'))).isTrue();
		assertThat(store.erase(reference('2'))).isTrue();
		assertThat(store.erasureFingerprint(reference('1'))).isEqualTo(FileSubjectKeyStore.fingerprint(KEY));

		Files.write(this.dir.resolve("erased").resolve(reference('2')), new byte[] { 1, 2, 3 });
		FileSubjectKeyStore reopened = new FileSubjectKeyStore(this.dir);
		assertThat(reopened.pendingErasures()).containsExactlyInAnyOrder(reference('1'), reference('2'));
		assertThat(reopened.erasureFingerprint(reference('2'))).as("a damaged note: announced as before").isNull();
		reopened.erasureAnnounced(reference('1'));
		assertThat(reopened.erasureFingerprint(reference('1'))).as("announced").isNull();
	}

	/** A reference of a subject numbered {@code n}: spread over the shards. */
	private static String referenceOf(int n) {
		return HexFormat.of().formatHex(Sha256.of(Integer.toString(n).getBytes(StandardCharsets.US_ASCII)));
	}

}
