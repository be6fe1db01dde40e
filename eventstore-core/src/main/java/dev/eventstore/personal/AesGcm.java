package dev.eventstore.personal;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM as personal data uses it, for values and for wrapped keys alike: a sealed
 * value is a random 96-bit IV followed by the ciphertext and its 128-bit tag (a value's,
 * after the id of the key that sealed it). The JDK's cipher; a cipher is not thread-safe,
 * so callers bring one ({@link DataKey}'s own, or {@link #threadCipher}).
 */
final class AesGcm {

	static final int IV_BYTES = Ivs.IV_BYTES;

	static final int TAG_BITS = 128;

	private static final byte[] NO_PREFIX = new byte[0];

	/**
	 * A cipher for each thread: for the master key (used seldom), and for a data key
	 * whose own cipher another thread is using.
	 */
	private static final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(AesGcm::newCipher);

	private AesGcm() {
	}

	static Cipher newCipher() {
		try {
			return Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM has no AES/GCM: " + ex, ex);
		}
	}

	/** This thread's own cipher. */
	static Cipher threadCipher() {
		return ciphers.get();
	}

	/** IV followed by the ciphertext and tag. */
	static byte[] seal(Cipher cipher, SecretKeySpec key, byte[] plain, byte[] aad) {
		return seal(cipher, key, NO_PREFIX, plain, aad);
	}

	/** The prefix (not encrypted), then the IV, the ciphertext and its tag. */
	static byte[] seal(Cipher cipher, SecretKeySpec key, byte[] prefix, byte[] plain, byte[] aad) {
		byte[] iv = new byte[IV_BYTES];
		Ivs.next(iv);
		try {
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(aad);
			byte[] sealed = new byte[prefix.length + IV_BYTES + plain.length + TAG_BITS / 8];
			System.arraycopy(prefix, 0, sealed, 0, prefix.length);
			System.arraycopy(iv, 0, sealed, prefix.length, IV_BYTES);
			cipher.doFinal(plain, 0, plain.length, sealed, prefix.length + IV_BYTES);
			return sealed;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM failed: " + ex, ex);
		}
	}

	/**
	 * Decrypts what {@link #seal} made.
	 * @param field the field it is the value of, for the message; null for a key
	 * @throws IllegalArgumentException if it does not decrypt: damaged, or another key
	 */
	static byte[] open(Cipher cipher, SecretKeySpec key, byte[] sealed, byte[] aad, @Nullable String field) {
		return open(cipher, key, sealed, 0, aad, field);
	}

	/**
	 * Decrypts what {@link #seal} made with a prefix of {@code offset} bytes.
	 * @param field the field it is the value of, for the message; null for a key
	 * @throws IllegalArgumentException if it does not decrypt: damaged, or another key
	 */
	static byte[] open(Cipher cipher, SecretKeySpec key, byte[] sealed, int offset, byte[] aad,
			@Nullable String field) {
		if (sealed.length - offset < IV_BYTES + TAG_BITS / 8) {
			throw new IllegalArgumentException(
					"the encrypted value" + ((field != null) ? " of '" + field + "'" : "") + " is damaged (too short)");
		}
		try {
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, IV_BYTES));
			cipher.updateAAD(aad);
			return cipher.doFinal(sealed, offset + IV_BYTES, sealed.length - offset - IV_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new IllegalArgumentException("the encrypted value" + ((field != null) ? " of '" + field + "'" : "")
					+ " is damaged or belongs to another event (its authentication tag does not match)");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM failed: " + ex, ex);
		}
	}

}
