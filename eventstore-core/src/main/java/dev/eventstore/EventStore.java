package dev.eventstore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;
import dev.eventstore.upcasting.Upcasters;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * An event store: events appended to named streams, each given a stream version and a
 * gapless global position, read back by stream or as one log, and delivered to
 * subscribers once each, in position order.
 *
 * <p>
 * Guarantees: an append (single or batch) is atomic and returns only once its events are
 * stored as durably as the journal promises; an {@link ExpectedVersion} is checked before
 * anything is written, and a conflict changes nothing; invalid input raises
 * {@link IllegalArgumentException} before anything is stored; stored events are
 * immutable. Live subscribers have received an append's events when the append returns.
 * Thread-safe. Use after {@link #close()} raises {@link IllegalStateException}.
 *
 * @since 0.1.0
 */
public interface EventStore extends AutoCloseable {

	/** A store on the heap; nothing survives the process. */
	static EventStore inMemory() {
		return builder().build();
	}

	/**
	 * A store on an NDJSON journal file, fsynced before each append returns. Creates the
	 * file and its directories when missing; recovers it after a crash.
	 * @param journal the journal file
	 * @return the open store, holding the journal's lock until closed
	 */
	static EventStore open(Path journal) {
		return builder().persistPath(journal).build();
	}

	/** A builder for a store with a chosen journal, fsync policy or clock. */
	static Builder builder() {
		return new Builder();
	}

	/**
	 * Appends one event to the end of a stream.
	 * @param streamId the stream, not blank
	 * @param event the event
	 * @return the stored event
	 */
	default StoredEvent append(String streamId, NewEvent event) {
		return append(streamId, event, ExpectedVersion.any());
	}

	/**
	 * Appends one event if the stream is at the expected version.
	 * @param streamId the stream, not blank
	 * @param event the event
	 * @param expected the condition on the stream's current version
	 * @return the stored event
	 * @throws ConcurrencyConflictException if the condition fails; nothing is stored
	 */
	default StoredEvent append(String streamId, NewEvent event, ExpectedVersion expected) {
		if (event == null) {
			throw new IllegalArgumentException("Event must not be null");
		}
		return appendBatch(streamId, List.of(event), expected).get(0);
	}

	/**
	 * Appends events to the end of a stream, atomically.
	 * @param streamId the stream, not blank
	 * @param events the events; an empty list stores nothing and returns an empty list
	 * @return the stored events, on consecutive positions
	 */
	default AppendResult appendBatch(String streamId, List<NewEvent> events) {
		return appendBatch(streamId, events, ExpectedVersion.any());
	}

	/**
	 * Appends events to a stream atomically if it is at the expected version: all of them
	 * are stored, on consecutive positions, or none. An empty list, as in the original
	 * design, still checks the expected version, then writes nothing, notifies nobody and
	 * returns an empty list: a command handler that decided to do nothing can so assert
	 * that the stream did not move.
	 * @param streamId the stream, not blank
	 *
	 * <p>
	 * <b>Retries are idempotent by event id.</b> A batch whose ids
	 * ({@link NewEvent#id()}) are exactly those of events already stored, in the same
	 * stream, on consecutive positions in the same order, with the same type, data and
	 * metadata, is a retry: it writes nothing, notifies nobody, and returns the events
	 * the first try stored ({@link AppendResult#isDuplicate()}), whatever the expected
	 * version, as long as the first try met it. Every stored id is recognised, however
	 * long ago it was stored.
	 * @param events the events, possibly none; their ids distinct
	 * @param expected the condition on the stream's current version
	 * @return the stored events
	 * @throws ConcurrencyConflictException if the condition fails; nothing is stored
	 * @throws EventIdConflictException if some ids are stored and the batch is not a
	 * retry of them (some new ids, another stream, other data); nothing is stored
	 */
	AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected);

	/**
	 * Appends a batch atomically unless an event matching the condition's query exists
	 * after the condition's position, in any stream: the decision a caller made on
	 * {@link #read(EventQuery)} stands only if nothing it depended on happened since.
	 * Checked atomically with the write on every journal, against concurrent appends of
	 * this process and of others sharing the journal. Retries are idempotent by event id
	 * as for {@link #appendBatch(String, List, ExpectedVersion)}: a retry of a stored
	 * batch returns it, whatever the condition now says.
	 * @param streamId the stream
	 * @param events the events, possibly none
	 * @param condition the condition
	 * @return the stored events
	 * @throws AppendConditionFailedException if a matching event exists after the
	 * condition's position; nothing is stored
	 * @since 0.2.0
	 */
	default AppendResult appendBatch(String streamId, List<NewEvent> events, AppendCondition condition) {
		return appendBatch(streamId, events, ExpectedVersion.any(), condition);
	}

	/**
	 * Appends a batch atomically if the stream's version matches and no event matching
	 * the condition's query exists after the condition's position.
	 * @param streamId the stream
	 * @param events the events, possibly none
	 * @param expected the condition on the stream's version
	 * @param condition the condition on the whole log
	 * @return the stored events
	 * @throws ConcurrencyConflictException if the stream's version does not match
	 * @throws AppendConditionFailedException if a matching event exists after the
	 * condition's position; nothing is stored
	 * @since 0.2.0
	 */
	AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition);

	/**
	 * Appends one event under a condition; see
	 * {@link #appendBatch(String, List, AppendCondition)}.
	 * @param streamId the stream
	 * @param event the event
	 * @param condition the condition
	 * @return the stored event
	 * @since 0.2.0
	 */
	default StoredEvent append(String streamId, NewEvent event, AppendCondition condition) {
		return appendBatch(streamId, List.of(event), condition).get(0);
	}

	/**
	 * Every event matching a query, in position order, and the position the result is
	 * consistent with: the marker a decision appends after.
	 * @param query the query
	 * @return the result
	 * @since 0.2.0
	 */
	default QueryResult read(EventQuery query) {
		return read(query, 1, Integer.MAX_VALUE);
	}

	/**
	 * A page of the events matching a query: those from {@code fromPosition} on, at most
	 * {@code maxCount}. The result's position is that of its last event when the page is
	 * full, else the log's last position when the read began; every matching event from
	 * {@code fromPosition} up to it is in the page.
	 * @param query the query
	 * @param fromPosition the first position to consider, at least 1
	 * @param maxCount the most events to return, at least 0
	 * @return the result
	 * @since 0.2.0
	 */
	QueryResult read(EventQuery query, long fromPosition, int maxCount);

	/**
	 * All events of a stream in version order.
	 * @param streamId the stream
	 * @return its events, empty for an unknown stream
	 */
	default List<StoredEvent> readStream(String streamId) {
		return readStream(streamId, 1, Integer.MAX_VALUE);
	}

	/**
	 * Events of a stream in version order.
	 * @param streamId the stream
	 * @param fromVersion the first version returned (inclusive), at least 1
	 * @param maxCount the most events returned, at least 0
	 * @return the events
	 */
	List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount);

	/**
	 * Events of the whole log in position order.
	 * @param fromPosition the first position returned (inclusive), at least 1
	 * @param maxCount the most events returned, at least 0
	 * @return the events
	 */
	List<StoredEvent> readAll(long fromPosition, int maxCount);

	/**
	 * A stream's current version.
	 * @param streamId the stream
	 * @return the version of its last event, 0 for an unknown stream
	 */
	long streamVersion(String streamId);

	/** The position of the last stored event, 0 when the store is empty. */
	long lastPosition();

	/**
	 * A page of the ids of the streams that have events, in id order, for tools and
	 * operators.
	 * @param prefix only ids starting with it; "" for all
	 * @param after the last id of the previous page, null for the first page
	 * @param limit the most ids, 1 to 1,000
	 * @return the ids
	 * @throws UnsupportedOperationException if the journal cannot list its streams
	 * @since 0.2.0
	 */
	default List<String> streamIds(String prefix, @Nullable String after, int limit) {
		throw new UnsupportedOperationException("This store cannot list its streams");
	}

	/**
	 * How many streams have events, for operators (it may cost a scan on a database).
	 * @return the count, -1 when the journal cannot tell
	 * @since 0.2.0
	 */
	default long streamCount() {
		return -1;
	}

	/**
	 * Subscribes to events appended from now on. The subscriber is called synchronously,
	 * on the appending thread or another appender's, in position order, once per event:
	 * when an append returns, the subscriber has received its events. A subscriber that
	 * throws is logged and isolated. A subscriber may append; that append's events reach
	 * subscribers after the current event, and that append returns before they do.
	 * @param subscriber the subscriber
	 * @return the subscription; close it to stop delivery
	 */
	Subscription subscribe(Consumer<StoredEvent> subscriber);

	/**
	 * Subscribes from a position: delivers the stored events from {@code fromPosition}
	 * on, then every new one, once each and in position order, on a thread of the
	 * subscription's own.
	 * @param fromPosition the first position delivered (inclusive), at least 1
	 * @param subscriber the subscriber
	 * @return the subscription; close it to stop delivery
	 */
	Subscription subscribe(long fromPosition, Consumer<StoredEvent> subscriber);

	/**
	 * Erases a data subject's personal data without touching a stored event
	 * (crypto-shredding): destroys the subject's key durably (forced or committed before
	 * this returns), then appends a {@link PersonalDataErased} event that names the
	 * subject only by a keyed hash. From then on every read of the subject's
	 * {@link dev.eventstore.types.PersonalData} values gives their replacements, on every
	 * read path and after restarts. A subject with no key (unknown, or erased already) is
	 * a no-op: nothing is destroyed or appended.
	 * @param subjectId the subject's id, as its events carry it
	 * @return whether personal data was erased now; false for the no-op
	 * @throws IllegalStateException if the store protects no personal data, or if called
	 * inside a transaction its appends would join
	 * ({@link Journal#joinsCallerTransaction}): the key's destruction cannot roll back
	 * with it; nothing is erased
	 * @throws EventStoreException if the key was destroyed but the event could not be
	 * appended: the erasure holds (a second call is the no-op), and the message names the
	 * event to append once the journal takes appends again
	 * @since 0.2.0
	 */
	default boolean erasePersonalData(String subjectId) {
		throw new IllegalStateException("This store protects no personal data: build it with "
				+ "EventStore.builder().personalData(...) (eventstore.personal-data.master-key under Spring Boot)");
	}

	/**
	 * The store's state for health checks and gauges; works after {@link #close()} too.
	 * @return a snapshot
	 */
	EventStoreStatus status();

	/**
	 * Stops subscriptions, flushes and fsyncs the journal and releases its lock.
	 * Idempotent.
	 */
	@Override
	void close();

	/**
	 * Builds an {@link EventStore}. Without a journal or persist path, the store is in
	 * memory.
	 */
	final class Builder {

		private @Nullable Journal journal;

		private @Nullable Path persistPath;

		private FsyncPolicy fsync = FsyncPolicy.ALWAYS;

		private Duration fsyncInterval = FsyncPolicy.DEFAULT_INTERVAL;

		private Clock clock = Clock.systemUTC();

		private final List<EventStoreObserver> observers = new ArrayList<>();

		private EventTypes eventTypes = EventTypes.none();

		private final List<Upcaster> upcasters = new ArrayList<>();

		private EventSerializer serializer = JacksonEventSerializer.defaults();

		private long segmentSize;

		private @Nullable PersonalDataProtection personalData;

		Builder() {
		}

		/**
		 * Keeps events in an NDJSON journal file.
		 * @param path the journal file
		 * @return this builder
		 */
		public Builder persistPath(Path path) {
			this.persistPath = Objects.requireNonNull(path, "persistPath");
			return this;
		}

		/**
		 * Keeps the journal as a directory of segment files of about this size instead of
		 * one file, so that opening it scans only the last segment and its index on the
		 * heap does not grow with history (see {@code FileJournal}). A single-file
		 * journal at the persist path is converted on first open, the file kept as a
		 * backup beside it. A persist path that is already a segmented journal opens as
		 * one without this.
		 * @param bytes 1 byte to 1 GiB; 64 MiB suits most
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder segmentSize(long bytes) {
			if (bytes < 1 || bytes > (1L << 30)) {
				throw new IllegalArgumentException("segment size must be 1 byte to 1 GiB, was " + bytes);
			}
			this.segmentSize = bytes;
			return this;
		}

		/**
		 * When the journal file is forced to disk; {@link FsyncPolicy#ALWAYS} by default.
		 * @param fsync the policy
		 * @return this builder
		 */
		public Builder fsync(FsyncPolicy fsync) {
			this.fsync = Objects.requireNonNull(fsync, "fsync");
			return this;
		}

		/**
		 * How often {@link FsyncPolicy#INTERVAL} forces the file; 100 ms by default.
		 * @param interval a positive duration
		 * @return this builder
		 */
		public Builder fsyncInterval(Duration interval) {
			Objects.requireNonNull(interval, "fsyncInterval");
			if (interval.isNegative() || interval.isZero()) {
				throw new IllegalArgumentException("fsync interval must be positive, was " + interval);
			}
			this.fsyncInterval = interval;
			return this;
		}

		/**
		 * The clock that timestamps events; the system UTC clock by default.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Adds an observer that hears of appends, failed appends and failing subscribers.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(EventStoreObserver observer) {
			this.observers.add(Objects.requireNonNull(observer, "observer"));
			return this;
		}

		/**
		 * The event types whose events {@link StoredEvent#payload()} reads back as their
		 * classes, and whose revisions upcasting leads to; none by default.
		 * @param eventTypes the registry
		 * @return this builder
		 */
		public Builder eventTypes(EventTypes eventTypes) {
			this.eventTypes = Objects.requireNonNull(eventTypes, "eventTypes");
			return this;
		}

		/**
		 * The serializer of typed payloads, both ways: what {@link NewEvent#of(Object)}
		 * payloads are stored as, and what {@link StoredEvent#payload(Class)} reads them
		 * with. The store's own Jackson mapper by default.
		 * @param serializer the serializer
		 * @return this builder
		 */
		public Builder serializer(EventSerializer serializer) {
			this.serializer = Objects.requireNonNull(serializer, "serializer");
			return this;
		}

		/**
		 * Serialises typed payloads with a Jackson mapper of your own (the application's,
		 * with its naming strategy and modules); the store's rules for data still apply.
		 * @param mapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper mapper) {
			return serializer(new JacksonEventSerializer(Objects.requireNonNull(mapper, "mapper")));
		}

		/**
		 * Protects personal data: {@link dev.eventstore.types.PersonalData} values of
		 * typed payloads are stored encrypted under their subject's key, read back
		 * decrypted, and erased with {@link EventStore#erasePersonalData(String)}.
		 * Without it, a payload with personal data is refused, never stored in plain
		 * text.
		 * @param protection the master key and the subjects' key store
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder personalData(PersonalDataProtection protection) {
			this.personalData = Objects.requireNonNull(protection, "protection");
			return this;
		}

		/**
		 * Adds upcasters, applied on every read to events of an older revision.
		 * @param upcasters the upcasters
		 * @return this builder
		 */
		public Builder upcasters(Collection<? extends Upcaster> upcasters) {
			upcasters.forEach((upcaster) -> this.upcasters.add(Objects.requireNonNull(upcaster, "upcaster")));
			return this;
		}

		/**
		 * Keeps events in a journal of your own (a PostgreSQL journal, say) instead of a
		 * file. The store closes it when closed.
		 * @param journal the journal
		 * @return this builder
		 */
		public Builder journal(Journal journal) {
			this.journal = Objects.requireNonNull(journal, "journal");
			return this;
		}

		/**
		 * Opens the journal and builds the store.
		 * @return the open store
		 * @throws IllegalStateException if both a journal and a persist path were given
		 * @throws IllegalArgumentException if an upcaster chain has a gap or a duplicate,
		 * or does not lead to its class's revision
		 */
		public EventStore build() {
			if (this.journal != null && this.persistPath != null) {
				throw new IllegalStateException("Give either a journal or a persist path, not both");
			}
			Upcasters chains = Upcasters.of(this.upcasters);
			ReadingJournal.validate(this.eventTypes, chains);
			Journal chosen = this.journal;
			if (chosen == null) {
				JournalProvider journals = Journals.provider();
				if (this.persistPath == null) {
					chosen = journals.inMemory();
				}
				else if (this.segmentSize > 0) {
					chosen = journals.openSegmented(this.persistPath, this.fsync, this.fsyncInterval, this.segmentSize);
				}
				else {
					chosen = journals.open(this.persistPath, this.fsync, this.fsyncInterval);
				}
			}
			EventSerializer serializer = (this.personalData != null)
					? new ProtectingSerializer(this.serializer, this.personalData, this.eventTypes) : this.serializer;
			return DefaultEventStore.open(ReadingJournal.of(chosen, this.eventTypes, chains, serializer), this.clock,
					this.observers, serializer);
		}

	}

}
