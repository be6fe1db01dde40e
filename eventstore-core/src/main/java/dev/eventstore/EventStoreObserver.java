package dev.eventstore;

import java.util.List;

/**
 * Hears what the store does, for metrics and integrations; register with
 * {@link EventStore.Builder#observer(EventStoreObserver)}. Callbacks run synchronously on
 * the thread doing the work, so keep them short; a callback that throws is logged and
 * ignored.
 *
 * @since 0.1.0
 */
public interface EventStoreObserver {

	/**
	 * Events were stored. Called before they are delivered to subscribers.
	 * @param events what the caller appended
	 * @param stored what was stored, in the same order
	 * @param nanos how long the append took, validation to durability
	 */
	default void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
	}

	/**
	 * An append failed and stored nothing: a {@link ConcurrencyConflictException}, or an
	 * {@link EventStoreException} from the journal (an I/O error, say).
	 * @param streamId the stream
	 * @param failure why
	 * @param nanos how long the attempt took
	 */
	default void appendFailed(String streamId, RuntimeException failure, long nanos) {
	}

	/**
	 * A data subject's personal data was erased ({@link EventStore#erasePersonalData}):
	 * its key is destroyed.
	 * @param subjectReference the subject's keyed hash, never its id
	 * @since 0.2.0
	 */
	default void personalDataErased(String subjectReference) {
	}

	/**
	 * A subscriber threw; the failure was isolated and the event counts as delivered.
	 * @param event the event it was handling
	 * @param failure what it threw, as thrown: it may quote the event's decrypted
	 * personal values, so log {@code event.redaction().apply(failure)} instead
	 */
	default void subscriberFailed(StoredEvent event, Throwable failure) {
	}

}
