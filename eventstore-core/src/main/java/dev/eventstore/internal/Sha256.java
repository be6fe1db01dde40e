package dev.eventstore.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of some bytes: one place for the JDK's digest and its checked exception,
 * which every JVM must support.
 *
 * @since 0.2.0
 */
public final class Sha256 {

	/** The length of a digest. */
	public static final int BYTES = 32;

	private Sha256() {
	}

	/**
	 * The digest of the parts, one after the other.
	 * @param parts the bytes to hash
	 * @return the 32-byte digest
	 */
	public static byte[] of(byte[]... parts) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		for (byte[] part : parts) {
			digest.update(part);
		}
		return digest.digest();
	}

}
