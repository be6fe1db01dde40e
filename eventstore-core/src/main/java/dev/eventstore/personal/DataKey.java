package dev.eventstore.personal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import dev.eventstore.internal.Sha256;
import org.jspecify.annotations.Nullable;

/**
 * A subject's unwrapped data key, when it was loaded, and a cipher kept initialised with
 * it: initialising a cipher with another key expands that key again (about 0.7 µs for
 * AES-256 on the JDK's cipher), so each key keeps one, lent to one thread at a time. A
 * thread that finds it lent out uses its own cipher, expanding the key again, rather than
 * making another (about 1 µs more). About 1 KB with its cipher (docs/performance.md).
 */
final class DataKey {

	/** How many bytes of a key's id lead each value it seals. */
	static final int ID_BYTES = 8;

	private static final byte[] ID_LABEL = "eventstore personal-data key id\0".getBytes(StandardCharsets.US_ASCII);

	/**
	 * When the key was last read from its store (for a shared store, how long the cache
	 * may serve it for reads).
	 */
	volatile long loadedAt;

	/** The key as its store holds it, wrapped: to tell whether the store still has it. */
	final byte[] wrapped;

	/** The subject's reference, by which the store names it. */
	final String subject;

	private final SecretKeySpec key;

	/**
	 * What the values this key seals start with: the first {@value #ID_BYTES} bytes of a
	 * hash of the key. A subject whose key an erasure destroyed gets a new key if it
	 * comes back; its earlier values, sealed under the destroyed key, are told apart by
	 * this and read as their replacements rather than as damaged. A one-way hash of a
	 * random 256-bit key: it reveals nothing of the key.
	 */
	private final byte[] id;

	private final AtomicReference<@Nullable Cipher> idle = new AtomicReference<>(AesGcm.newCipher());

	/**
	 * Ids of other keys of the subject found destroyed (values that did not open with
	 * this key while the store held no other): their values are replaced without asking a
	 * shared store again. At most {@value #DESTROYED_IDS}; beyond that the store is
	 * asked.
	 */
	private volatile long[] destroyed = new long[0];

	private static final int DESTROYED_IDS = 16;

	DataKey(byte[] raw, byte[] wrapped, String subject, long loadedAt) {
		this.key = new SecretKeySpec(raw, "AES");
		this.id = Arrays.copyOf(Sha256.of(ID_LABEL, raw), ID_BYTES);
		this.wrapped = wrapped;
		this.subject = subject;
		this.loadedAt = loadedAt;
	}

	/** Whether a value is sealed under a key of the subject found destroyed before. */
	boolean sealedUnderDestroyedKey(byte[] sealed) {
		long id = sealerOf(sealed);
		for (long known : this.destroyed) {
			if (known == id) {
				return true;
			}
		}
		return false;
	}

	/** Remembers that a value's key, not this one, is destroyed. */
	void keyDestroyed(byte[] sealed) {
		long[] known = this.destroyed;
		if (known.length < DESTROYED_IDS) {
			long[] more = Arrays.copyOf(known, known.length + 1);
			more[known.length] = sealerOf(sealed);
			this.destroyed = more;
		}
	}

	/** The id of the key that sealed a value: its first {@value #ID_BYTES} bytes. */
	private static long sealerOf(byte[] sealed) {
		return ByteBuffer.wrap(sealed, 0, ID_BYTES).getLong();
	}

	/** The key's id, then the IV, the ciphertext and its tag. */
	byte[] seal(byte[] plain, byte[] aad) {
		Cipher cipher = this.idle.getAndSet(null);
		if (cipher == null) {
			return AesGcm.seal(AesGcm.threadCipher(), this.key, this.id, plain, aad);
		}
		try {
			return AesGcm.seal(cipher, this.key, this.id, plain, aad);
		}
		finally {
			this.idle.setRelease(cipher);
		}
	}

	/**
	 * Decrypts what {@link #seal} made.
	 * @return the value; {@code null} when another key of the subject sealed it (one an
	 * erasure destroyed)
	 * @throws IllegalArgumentException if it is damaged
	 */
	byte @Nullable [] open(byte[] sealed, byte[] aad, String field) {
		if (sealed.length < ID_BYTES) {
			throw new IllegalArgumentException("the encrypted value of '" + field + "' is damaged (too short)");
		}
		if (!Arrays.equals(sealed, 0, ID_BYTES, this.id, 0, ID_BYTES)) {
			// Sealed under another key of the subject, one an erasure destroyed; or this
			// key's id was damaged. The tag tells: the id only saves reading a destroyed
			// key's values as damaged, and never stands in for the tag.
			try {
				return open(this.idle.getAndSet(null), sealed, aad, field);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		return open(this.idle.getAndSet(null), sealed, aad, field);
	}

	private byte[] open(@Nullable Cipher cipher, byte[] sealed, byte[] aad, String field) {
		if (cipher == null) {
			return AesGcm.open(AesGcm.threadCipher(), this.key, sealed, ID_BYTES, aad, field);
		}
		try {
			return AesGcm.open(cipher, this.key, sealed, ID_BYTES, aad, field);
		}
		finally {
			this.idle.setRelease(cipher);
		}
	}

}
