package dev.eventstore.personal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Random 96-bit IVs for AES-GCM, from a DRBG of each thread's own, drawn 32 at a time.
 * The shared {@code new SecureRandom()} ({@code NativePRNG} on Linux) costs about 140 ns
 * an IV behind one lock for every thread; a thread's own DRBG drawing 384 bytes at once
 * costs about 30 ns an IV with no lock (figures in docs/performance.md). IVs are stored
 * beside their ciphertext, so keeping a few on the heap reveals nothing; what GCM needs
 * of them is that they never repeat under one key, which 96 random bits from a DRBG give.
 */
final class Ivs {

	static final int IV_BYTES = 12;

	private static final int BATCH = 32;

	private static final ThreadLocal<Ivs> THREADS = ThreadLocal.withInitial(Ivs::new);

	private final SecureRandom random;

	private final byte[] buffer = new byte[IV_BYTES * BATCH];

	private int next = this.buffer.length;

	private Ivs() {
		try {
			this.random = SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("This JVM has no DRBG SecureRandom: " + ex, ex);
		}
	}

	/**
	 * Writes a fresh IV.
	 * @param into where, at offset 0
	 */
	static void next(byte[] into) {
		THREADS.get().fill(into);
	}

	private void fill(byte[] into) {
		if (this.next == this.buffer.length) {
			this.random.nextBytes(this.buffer);
			this.next = 0;
		}
		System.arraycopy(this.buffer, this.next, into, 0, IV_BYTES);
		// Handed out once: cleared so that no IV is given twice even if misused.
		Arrays.fill(this.buffer, this.next, this.next + IV_BYTES, (byte) 0);
		this.next += IV_BYTES;
	}

}
