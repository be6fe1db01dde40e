package dev.eventstore;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.personal.SubjectKeysUsed;
import org.jspecify.annotations.Nullable;

/**
 * The storage behind an {@link dev.eventstore.EventStore} (SPI): an append-only log of
 * events that assigns each its global position and stream version. Users plug one in with
 * {@code EventStore.builder().journal(...)}; they call the store, never the journal.
 *
 * <p>
 * A journal is the authority on positions and versions: it checks the expected version
 * and assigns positions atomically with the write, so a journal shared by several
 * processes stays consistent. Implementations are thread-safe. Arguments arrive validated
 * by the store.
 *
 * @since 0.1.0 (in {@code dev.eventstore.journal} until 0.2.0)
 */
public interface Journal extends AutoCloseable {

	/**
	 * Appends events to one stream atomically: all of them or none become readable.
	 * Returns only once the events are as durable as the journal promises.
	 * @param streamId the stream
	 * @param events the events, at least one
	 * @param expected the condition on the stream's current version, checked before
	 * anything is written
	 * @param timestamp the timestamp the events get
	 * @return the stored events, in order, on consecutive positions; for a retry of a
	 * stored batch (its ids already stored: see
	 * {@link dev.eventstore.journal.support.Retries}), the events stored first, with
	 * nothing written
	 * @throws ConcurrencyConflictException if the condition fails; nothing is written
	 * @throws dev.eventstore.EventIdConflictException if the ids partly match stored
	 * events; nothing is written
	 * @throws dev.eventstore.EventStoreException if the write fails; nothing is written
	 */
	AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp);

	/**
	 * Appends under an append condition: as
	 * {@link #append(String, List, ExpectedVersion, Instant)}, and atomically with the
	 * write, fails if an event matching the condition's query exists after its position,
	 * counting the events of appends ordered before this one. A journal that cannot check
	 * that atomically must not override the default, which refuses.
	 * @param streamId the stream
	 * @param events the events, at least one
	 * @param expected the condition on the stream's version
	 * @param condition the condition on the log
	 * @param timestamp the timestamp the events get
	 * @return the stored events
	 * @throws dev.eventstore.AppendConditionFailedException if the condition fails;
	 * nothing is written
	 * @since 0.2.0
	 */
	default AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition, Instant timestamp) {
		throw new UnsupportedOperationException("Journal " + location() + " cannot check append conditions");
	}

	/**
	 * Whether this journal's appends can check, atomically with the write, that a key
	 * store still holds the keys an append's personal values were sealed under: true only
	 * when the journal sees the store's keys in its own transaction (the same database).
	 * The store then seals with the keys it has cached and lets the append check them,
	 * instead of asking a shared store about each key before sealing. False by default.
	 * @param keys the store's key store
	 * @return whether
	 * {@link #append(String, List, ExpectedVersion, AppendCondition, Instant, dev.eventstore.personal.SubjectKeysUsed)}
	 * checks its keys
	 * @since 0.2.0
	 */
	default boolean checksSubjectKeys(SubjectKeyStore keys) {
		return false;
	}

	/**
	 * Appends, under an append condition when one is given, only if the key store still
	 * holds every key the events' personal values were sealed under, checked atomically
	 * with the write: as {@link #append(String, List, ExpectedVersion, Instant)}
	 * otherwise. Called only when {@link #checksSubjectKeys} is true; the default
	 * refuses.
	 * @param streamId the stream
	 * @param events the events, at least one
	 * @param expected the condition on the stream's version
	 * @param condition the condition on the log, or null
	 * @param timestamp the timestamp the events get
	 * @param keys the keys the events' values were sealed under, at least one
	 * @return the stored events
	 * @throws dev.eventstore.SubjectKeysChangedException if the store no longer holds one
	 * of the keys; nothing is written
	 * @since 0.2.0
	 */
	default AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp, SubjectKeysUsed keys) {
		throw new UnsupportedOperationException("Journal " + location() + " cannot check subjects' keys");
	}

	/**
	 * The events matching a query from a position on; see
	 * {@link EventStore#read(EventQuery, long, int)}. By default a scan of the log up to
	 * its last position when the read began; journals that index types and tags override
	 * it.
	 * @param query the query
	 * @param fromPosition the first position, at least 1
	 * @param maxCount the most events, at least 0
	 * @return the result
	 * @since 0.2.0
	 */
	default QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		return QueryScan.scan(this, query, fromPosition, maxCount);
	}

	/**
	 * Events of one stream in version order, starting at {@code fromVersion} (inclusive).
	 * @param streamId the stream
	 * @param fromVersion the first version to return, at least 1
	 * @param maxCount the most events to return, at least 0
	 * @return the events, empty for an unknown stream
	 */
	List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount);

	/**
	 * Events of the whole log in position order, starting at {@code fromPosition}
	 * (inclusive).
	 * @param fromPosition the first position to return, at least 1
	 * @param maxCount the most events to return, at least 0
	 * @return the events
	 */
	List<StoredEvent> readAll(long fromPosition, int maxCount);

	/**
	 * The stream's current version.
	 * @param streamId the stream
	 * @return the version of its last event, 0 for an unknown stream
	 */
	long streamVersion(String streamId);

	/**
	 * A page of the ids of streams that have readable events, in id order.
	 * @param prefix only ids starting with it; "" for all
	 * @param after the last id of the previous page, null for the first page
	 * @param limit the most ids, at least 1
	 * @return the ids
	 * @since 0.2.0
	 */
	default List<String> streamIds(String prefix, @Nullable String after, int limit) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list its streams");
	}

	/**
	 * How many streams have readable events, for operators; may cost a scan on a
	 * database, so it is never part of a health check.
	 * @return the count, -1 when the journal cannot tell
	 * @since 0.2.0
	 */
	default long streamCount() {
		return -1;
	}

	/**
	 * The position of the last readable event, 0 when the log is empty. For a shared
	 * journal, the last position committed and visible to new readers.
	 */
	long lastPosition();

	/**
	 * Whether other processes may append to this journal too. The store then cannot learn
	 * of every event from its own appends and reads new positions from the journal
	 * instead.
	 */
	default boolean isShared() {
		return false;
	}

	/**
	 * Whether an append made now, on this thread, would join a transaction of the
	 * caller's that is still open and may roll back (the PostgreSQL journal's, inside a
	 * Spring-managed transaction). The store refuses to erase personal data then: the key
	 * is destroyed at once, which no rollback undoes, while the erasure's
	 * {@link dev.eventstore.personal.PersonalDataErased} event would roll back with the
	 * transaction. False by default.
	 * @return whether appends join a caller's transaction now
	 * @since 0.2.0
	 */
	default boolean joinsCallerTransaction() {
		return false;
	}

	/**
	 * Asks to be told when other processes may have committed events, so that subscribers
	 * see them early instead of at the next poll. Journals that are not shared need not
	 * call it.
	 * @param onCommit called, on a thread of the journal's, after others' commits
	 * @return a handle that stops the watching
	 */
	default AutoCloseable watchCommits(Runnable onCommit) {
		return () -> {
		};
	}

	/**
	 * Where the journal keeps its events, for logs and health: a path, a URL,
	 * "in-memory".
	 */
	String location();

	/** The journal's size in bytes on its medium, or -1 where that is not known. */
	long sizeBytes();

	/**
	 * Facts about the journal for health reports, such as its fsync policy; empty by
	 * default.
	 */
	default Map<String, Object> details() {
		return Map.of();
	}

	/**
	 * Flushes what the journal holds to durable storage and releases its resources.
	 * Idempotent.
	 */
	@Override
	void close();

}
