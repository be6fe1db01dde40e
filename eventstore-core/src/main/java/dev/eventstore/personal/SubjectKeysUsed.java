package dev.eventstore.personal;

import java.util.Arrays;
import java.util.List;

/**
 * The subjects' keys an append's personal values were sealed under, as the key store
 * holds them (wrapped), by the subjects' references: what a journal checks, atomically
 * with the append, when it can see the key store's keys
 * ({@link dev.eventstore.Journal#checksSubjectKeys}). A key gone or replaced since
 * (another instance erased the subject) fails the append with
 * {@code dev.eventstore.SubjectKeysChangedException}, nothing written, and the store
 * seals again. This saves a shared key store's round trip an append would otherwise take
 * to ask whether it still holds each key. Immutable.
 *
 * @since 0.2.0
 */
public final class SubjectKeysUsed {

	private final List<String> subjects;

	private final byte[][] wrappedKeys;

	/**
	 * @param subjects the subjects' references, each once
	 * @param wrappedKeys each subject's key as the store holds it, in the same order
	 * @throws IllegalArgumentException if the two differ in length
	 */
	public SubjectKeysUsed(List<String> subjects, List<byte[]> wrappedKeys) {
		if (subjects.size() != wrappedKeys.size()) {
			throw new IllegalArgumentException(
					subjects.size() + " subjects but " + wrappedKeys.size() + " keys: give one key a subject");
		}
		this.subjects = List.copyOf(subjects);
		this.wrappedKeys = new byte[wrappedKeys.size()][];
		for (int i = 0; i < this.wrappedKeys.length; i++) {
			this.wrappedKeys[i] = wrappedKeys.get(i).clone();
		}
	}

	/**
	 * The subjects' references.
	 * @return them, in order
	 */
	public List<String> subjects() {
		return this.subjects;
	}

	/**
	 * A subject's key as the store holds it.
	 * @param index the subject's index in {@link #subjects()}
	 * @return a copy of its wrapped key
	 */
	public byte[] wrappedKey(int index) {
		return this.wrappedKeys[index].clone();
	}

	/**
	 * Whether no value was sealed: nothing to check.
	 * @return whether there are no keys
	 */
	public boolean isEmpty() {
		return this.subjects.isEmpty();
	}

	@Override
	public String toString() {
		// The references only: a wrapped key is of no use to a reader, but has no place
		// in a log either.
		return "SubjectKeysUsed" + this.subjects;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SubjectKeysUsed used && this.subjects.equals(used.subjects)
				&& Arrays.deepEquals(this.wrappedKeys, used.wrappedKeys);
	}

	@Override
	public int hashCode() {
		return this.subjects.hashCode();
	}

}
