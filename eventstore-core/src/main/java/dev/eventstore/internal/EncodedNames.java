package dev.eventstore.internal;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * Object keys as names already quoted and encoded, for a generator to copy instead of
 * scanning each for characters to escape: event data repeats a handful of keys (a type's
 * fields), append after append. A small direct-mapped cache; a key that misses replaces
 * the one in its slot. Not thread-safe: one per thread.
 *
 * @since 0.2.0
 */
public final class EncodedNames {

	private static final int SLOTS = 256;

	/** Longer keys are written as they are: rare, and not worth holding. */
	private static final int MAX_LENGTH = 64;

	private final String[] keys = new String[SLOTS];

	private final SerializedString[] names = new SerializedString[SLOTS];

	/**
	 * The key as a pre-encoded name, or null when it is not cached (too long).
	 * @param key the object key
	 * @return the encoded name, or null to write the key itself
	 */
	public @Nullable SerializableString of(String key) {
		int hash = key.hashCode();
		int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
		String cached = this.keys[slot];
		if (cached == key || (cached != null && cached.equals(key))) {
			return this.names[slot];
		}
		if (key.length() > MAX_LENGTH) {
			return null;
		}
		SerializedString name = new SerializedString(key);
		this.keys[slot] = key;
		this.names[slot] = name;
		return name;
	}

}
