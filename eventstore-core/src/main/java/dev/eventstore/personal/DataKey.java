package dev.eventstore.personal;

import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * A subject's unwrapped data key, when it was loaded, and a cipher kept initialised with
 * it: initialising a cipher with another key expands that key again (about 0.7 µs for
 * AES-256 on the JDK's cipher), so each key keeps one, lent to one thread at a time. A
 * thread that finds it lent out uses its own cipher, expanding the key again, rather than
 * making another (about 1 µs more). About 1 KB with its cipher (docs/performance.md).
 */
final class DataKey {

	final long loadedAt;

	private final SecretKeySpec key;

	private final AtomicReference<@Nullable Cipher> idle = new AtomicReference<>(AesGcm.newCipher());

	DataKey(SecretKeySpec key, long loadedAt) {
		this.key = key;
		this.loadedAt = loadedAt;
	}

	byte[] seal(byte[] plain, byte[] aad) {
		Cipher cipher = this.idle.getAndSet(null);
		if (cipher == null) {
			return AesGcm.seal(AesGcm.threadCipher(), this.key, plain, aad);
		}
		try {
			return AesGcm.seal(cipher, this.key, plain, aad);
		}
		finally {
			this.idle.setRelease(cipher);
		}
	}

	byte[] open(byte[] sealed, byte[] aad, String field) {
		Cipher cipher = this.idle.getAndSet(null);
		if (cipher == null) {
			return AesGcm.open(AesGcm.threadCipher(), this.key, sealed, aad, field);
		}
		try {
			return AesGcm.open(cipher, this.key, sealed, aad, field);
		}
		finally {
			this.idle.setRelease(cipher);
		}
	}

}
