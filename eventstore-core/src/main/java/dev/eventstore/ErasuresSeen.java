package dev.eventstore;

import java.util.List;

import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import org.jspecify.annotations.Nullable;

/**
 * On a store whose key store other instances share: every {@link PersonalDataErased}
 * event read (by a read, a processor's page, a subscription) makes this instance forget
 * what it holds of that subject — its cached key, the values decrypted with it — before
 * the event is handed on. Without it, another instance's erasure held here only once the
 * cached key went stale (up to a second), and a handler of the notice, which runs well
 * within that second, rebuilt its copy from the old plain values. Thread-safe.
 */
final class ErasuresSeen {

	static final ErasuresSeen NONE = new ErasuresSeen(null);

	private final @Nullable PersonalDataProtection shared;

	private ErasuresSeen(@Nullable PersonalDataProtection shared) {
		this.shared = shared;
	}

	/**
	 * For a store protecting personal data; {@link #NONE} unless its key store is shared.
	 */
	static ErasuresSeen of(@Nullable PersonalDataProtection protection) {
		return (protection != null && protection.keyStore().shared()) ? new ErasuresSeen(protection) : NONE;
	}

	/**
	 * Forgets the subjects of the erasure notices among events just read.
	 * @param events the events
	 * @return them
	 */
	List<StoredEvent> in(List<StoredEvent> events) {
		PersonalDataProtection protection = this.shared;
		if (protection != null) {
			for (StoredEvent event : events) {
				if (event.type().equals(PersonalDataErased.TYPE)
						&& event.streamId().equals(PersonalDataErased.STREAM)) {
					protection.forgetErased(event.payload(PersonalDataErased.class).subject());
				}
			}
		}
		return events;
	}

}
