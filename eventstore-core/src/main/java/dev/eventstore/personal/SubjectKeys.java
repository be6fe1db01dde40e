package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The subjects' data keys of one {@link PersonalDataProtection}: made on a subject's
 * first value, wrapped under the master key into the {@link SubjectKeyStore}, unwrapped
 * into a cache of at most {@value #CACHED_KEYS} (when full, an arbitrary other one is
 * dropped and loaded again when next needed), destroyed on erasure. A subject's key is
 * loaded, made and erased under that subject's lock (one of {@value #LOCKS} stripes), so
 * no read after an erasure returns finds the key, while reads of cached keys take no lock
 * at all. Every erasure moves {@link #erasures()} on. Subjects are named in the store by
 * a keyed hash of their id ({@link #reference}), never by the id. Thread-safe.
 */
final class SubjectKeys {

	/** Unwrapped data keys kept on the heap. */
	static final int CACHED_KEYS = 10_000;

	/** Lock stripes subjects' keys are loaded, made and erased under. */
	static final int LOCKS = 64;

	/**
	 * How long a key of a shared store ({@link SubjectKeyStore#shared()}) is used from
	 * the cache before the store is asked again whether it still exists: the bound on how
	 * long another instance reads a subject after this one erased it.
	 */
	static final long SHARED_KEY_NANOS = 1_000_000_000L;

	private static final byte[] CHECK_PLAINTEXT = new byte[32];

	private static final byte[] CHECK_AAD = "eventstore master key check".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom random = new SecureRandom();

	private final SecretKeySpec masterKey;

	/**
	 * The keys of the append being sealed on this thread, when it is sealed in a batch.
	 */
	private final ThreadLocal<@Nullable Batch> batch = new ThreadLocal<>();

	private final SubjectKeyStore store;

	/**
	 * A MAC under the reference key for each thread: making one costs more than using it.
	 */
	private final ThreadLocal<Mac> references;

	/**
	 * Unwrapped data keys by subject id (so that a hit costs no hash of the id): read
	 * without a lock, changed under the subject's stripe of {@link #locks}.
	 */
	private final ConcurrentHashMap<String, DataKey> cache = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[LOCKS];

	/** Erasures so far, here or (for a shared store) noticed from another instance. */
	private final AtomicLong erasures = new AtomicLong();

	/**
	 * @param masterKey 32 bytes, checked by the caller
	 * @param store where the wrapped keys are kept
	 * @throws IllegalArgumentException if the master key is not the one the store was
	 * first used with
	 */
	SubjectKeys(byte[] masterKey, SubjectKeyStore store) {
		this.masterKey = new SecretKeySpec(masterKey, "AES");
		SecretKeySpec referenceKey = new SecretKeySpec(hmac(masterKey, "eventstore subject reference"), "HmacSHA256");
		this.references = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(referenceKey);
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("This JVM has no HmacSHA256: " + ex, ex);
			}
		});
		this.store = store;
		for (int i = 0; i < LOCKS; i++) {
			this.locks[i] = new Object();
		}
		checkMasterKey();
	}

	SubjectKeyStore store() {
		return this.store;
	}

	/** A keyed hash of a subject's id, 64 hex digits: how the store names the subject. */
	String reference(String subjectId) {
		return HexFormat.of().formatHex(this.references.get().doFinal(subjectId.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * A subject's key to seal with, made (and forced to the store) if it has none yet.
	 * Within {@link #sealingOnce}, a shared store is asked about a subject once; within
	 * {@link #sealingChecked}, a cached key is used unasked, whatever its age.
	 */
	DataKey findOrMake(String subjectId) {
		Batch sealing = this.batch.get();
		if (sealing == null) {
			return Objects.requireNonNull(key(subjectId, true, this.store.shared()));
		}
		DataKey key = sealing.keys.get(subjectId);
		if (key == null) {
			key = sealing.checked ? this.cache.get(subjectId) : null;
			if (key == null) {
				key = Objects.requireNonNull(key(subjectId, true, !sealing.checked && this.store.shared()));
			}
			sealing.keys.put(subjectId, key);
		}
		return key;
	}

	/**
	 * Runs the sealing of one append's events (a batch) asking a shared store about each
	 * subject's key once rather than once an event: the batch begins when the first is
	 * asked, and an erasure that returned before it is seen.
	 */
	<T> T sealingOnce(Supplier<T> work) {
		if (!this.store.shared() || this.batch.get() != null) {
			return work.get();
		}
		this.batch.set(new Batch(false));
		try {
			return work.get();
		}
		finally {
			this.batch.remove();
		}
	}

	/**
	 * Runs the sealing of one append's events with the keys cached, asking the store only
	 * about subjects whose keys are not: the journal checks, atomically with the append,
	 * that the store still holds each key used, which this returns.
	 */
	SubjectKeysUsed sealingChecked(Runnable work) {
		if (this.batch.get() != null) {
			throw new IllegalStateException("An append is already being sealed on this thread");
		}
		Batch sealing = new Batch(true);
		this.batch.set(sealing);
		try {
			work.run();
		}
		finally {
			this.batch.remove();
		}
		List<String> subjects = new ArrayList<>(sealing.keys.size());
		List<byte[]> wrapped = new ArrayList<>(sealing.keys.size());
		for (DataKey key : sealing.keys.values()) {
			subjects.add(key.subject);
			wrapped.add(key.wrapped);
		}
		return new SubjectKeysUsed(subjects, wrapped);
	}

	/** A subject's key; null when it has none (unknown, or erased). */
	@Nullable DataKey find(String subjectId) {
		return key(subjectId, false, false);
	}

	/**
	 * After a value did not open with a subject's cached key: the key a shared store
	 * holds for the subject now, if it is another (the subject came back after an erasure
	 * by another instance, with a new key, while this one still had the old key cached).
	 * A store of this process alone has no other: null.
	 */
	@Nullable DataKey newer(String subjectId, DataKey tried) {
		if (!this.store.shared()) {
			return null;
		}
		DataKey current = key(subjectId, false, true);
		return (current != tried) ? current : null;
	}

	/**
	 * Destroys a subject's key, durably; moves {@link #erasures()} on.
	 * @return whether a key was destroyed
	 */
	boolean erase(String subjectId) {
		String subject = reference(subjectId);
		synchronized (lock(subjectId)) {
			this.cache.remove(subjectId);
			try {
				return this.store.erase(subject);
			}
			finally {
				// After the key is gone, so that a value decrypted before it counts as
				// decrypted before this erasure.
				this.erasures.incrementAndGet();
			}
		}
	}

	/**
	 * Drops the cached key of a subject erased elsewhere (the cache is by subject id, the
	 * notice names the reference: each cached key knows its subject's reference) and
	 * moves {@link #erasures()} on, so that no value decrypted before is served again.
	 */
	void forgetErased(String reference) {
		for (Map.Entry<String, DataKey> cached : this.cache.entrySet()) {
			if (cached.getValue().subject.equals(reference)) {
				synchronized (lock(cached.getKey())) {
					this.cache.remove(cached.getKey(), cached.getValue());
				}
			}
		}
		this.erasures.incrementAndGet();
	}

	/**
	 * The references of subjects erased whose erasure a crash kept from being announced;
	 * moves {@link #erasures()} on when there are any. Their keys are gone (the key store
	 * finishes an erasure a crash cut short); a key such a subject has now is one it got
	 * since, for data given after the erasure, and stays.
	 */
	List<String> pendingErasures() {
		List<String> pending = this.store.pendingErasures();
		if (!pending.isEmpty()) {
			// Cached by subject id, which a reference does not give back: drop them all.
			this.cache.clear();
			this.erasures.incrementAndGet();
		}
		return pending;
	}

	void erasureAnnounced(String subject) {
		this.store.erasureAnnounced(subject);
	}

	/** How many keys are cached now: at most {@value #CACHED_KEYS}. */
	int cached() {
		return this.cache.size();
	}

	long erasures() {
		return this.erasures.get();
	}

	/** See {@link PersonalDataProtection#servable}. */
	boolean servable(long erasures, long decryptedAt) {
		return erasures == this.erasures.get()
				&& (!this.store.shared() || System.nanoTime() - decryptedAt < SHARED_KEY_NANOS);
	}

	private Object lock(String subjectId) {
		return this.locks[(subjectId.hashCode() & 0x7fffffff) % LOCKS];
	}

	/**
	 * A subject's data key: cached, or unwrapped from the store, or made when asked. To
	 * seal with a shared store's key, the store is asked every time whether it still
	 * holds it (the cached key is used if it does): an erasure by another instance that
	 * returned before the append began is never sealed over with the destroyed key, which
	 * would lose the data given after it. Reads use a cached key for up to
	 * {@link #SHARED_KEY_NANOS}.
	 */
	private @Nullable DataKey key(String subjectId, boolean create, boolean asked) {
		DataKey hit = this.cache.get(subjectId);
		if (hit != null && !asked && fresh(hit)) {
			return hit;
		}
		synchronized (lock(subjectId)) {
			DataKey cached = this.cache.get(subjectId);
			if (cached != null && !asked && fresh(cached)) {
				return cached;
			}
			String subject = reference(subjectId);
			byte[] wrapped = this.store.find(subject);
			if (cached != null && wrapped != null && Arrays.equals(wrapped, cached.wrapped)) {
				cached.loadedAt = System.nanoTime();
				return cached;
			}
			if (cached != null) {
				// Erased by another instance (a shared store), and maybe made again there
				// since: values decrypted with the key before are not served from now on.
				this.cache.remove(subjectId);
				this.erasures.incrementAndGet();
			}
			if (wrapped == null) {
				if (!create) {
					return null;
				}
				byte[] fresh = new byte[32];
				random.nextBytes(fresh);
				wrapped = this.store.putIfAbsent(subject,
						AesGcm.seal(AesGcm.threadCipher(), this.masterKey, fresh, wrapAad(subject)));
				Arrays.fill(fresh, (byte) 0);
			}
			byte[] raw;
			try {
				raw = AesGcm.open(AesGcm.threadCipher(), this.masterKey, wrapped, wrapAad(subject), null);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("The key of a data subject in " + this.store.location()
						+ " is damaged (it does not unwrap under the master key); subject reference " + subject);
			}
			DataKey key = new DataKey(raw, wrapped, subject, System.nanoTime());
			Arrays.fill(raw, (byte) 0);
			if (this.cache.size() >= CACHED_KEYS) {
				dropOneOtherThan(subjectId);
			}
			this.cache.put(subjectId, key);
			return key;
		}
	}

	private boolean fresh(DataKey cached) {
		return !this.store.shared() || System.nanoTime() - cached.loadedAt < SHARED_KEY_NANOS;
	}

	/**
	 * Makes room in a full cache. Dropping a key is always safe (it is loaded again when
	 * needed), so which one goes need not be exact: the first the map's order gives.
	 */
	private void dropOneOtherThan(String subjectId) {
		for (String cached : this.cache.keySet()) {
			if (!cached.equals(subjectId)) {
				this.cache.remove(cached);
				return;
			}
		}
	}

	private void checkMasterKey() {
		byte[] check = this.store.checkValue();
		if (check == null) {
			this.store.saveCheckValue(AesGcm.seal(AesGcm.threadCipher(), this.masterKey, CHECK_PLAINTEXT, CHECK_AAD));
			return;
		}
		try {
			AesGcm.open(AesGcm.threadCipher(), this.masterKey, check, CHECK_AAD, null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The personal-data master key is not the one the key store "
					+ this.store.location() + " was first used with (its key check value does not match); "
					+ "refusing to start rather than read its keys as garbage");
		}
	}

	private static byte[] wrapAad(String subject) {
		return ("eventstore data key/" + subject).getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] hmac(byte[] key, String label) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM has no HmacSHA256: " + ex, ex);
		}
	}

	/** The keys one append is sealed with, by subject id. */
	private static final class Batch {

		/** Whether the journal checks the keys: cached ones are used unasked. */
		final boolean checked;

		final Map<String, DataKey> keys = new HashMap<>();

		Batch(boolean checked) {
			this.checked = checked;
		}

	}

}
