package dev.eventstore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.eventstore.internal.Texts;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.personal.SubjectKeysUsed;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import org.jspecify.annotations.Nullable;

/**
 * The store over a {@link Journal}: validates input, appends through the journal,
 * delivers to subscribers. Thread-safe.
 */
final class DefaultEventStore implements EventStore {

	private final Journal journal;

	private final Clock clock;

	private final Dispatcher dispatcher;

	private final AutoCloseable commitWatch;

	private final CommitSignal commits = new CommitSignal();

	private final Set<CatchUpSubscription> catchUps = ConcurrentHashMap.newKeySet();

	private final Observers observers;

	/** The serializer typed payloads are stored with, when not the store's default. */
	private final @Nullable EventSerializer serializer;

	/**
	 * The protection whose shared key store the journal checks at append
	 * ({@link Journal#checksSubjectKeys}), or null: values are then sealed with cached
	 * keys, unasked.
	 */
	private final @Nullable PersonalDataProtection checkedKeys;

	/** The erasures of personal data, when the store protects it. */
	private final @Nullable PersonalDataErasures erasures;

	/** Forgets a subject another instance erased when its notice is read here. */
	private final ErasuresSeen erasuresSeen;

	/**
	 * How often subscribers of a shared journal look for others' events without a
	 * notification.
	 */
	private static final long SHARED_POLL_MILLIS = 500;

	private static final System.Logger logger = System.getLogger(DefaultEventStore.class.getName());

	private volatile boolean closed;

	/** Why the last append could not be written; cleared by the next append that is. */
	private volatile @Nullable String writeFailure;

	/** A store on a journal, with the erasures a crash cut short announced. */
	static DefaultEventStore open(Journal journal, Clock clock, List<EventStoreObserver> observers,
			EventSerializer serializer) {
		DefaultEventStore store = new DefaultEventStore(journal, clock, observers, serializer);
		if (store.erasures != null) {
			store.erasures.announcePending();
		}
		return store;
	}

	private DefaultEventStore(Journal journal, Clock clock, List<EventStoreObserver> observers,
			EventSerializer serializer) {
		this.journal = journal;
		this.serializer = (serializer == JacksonEventSerializer.defaults()) ? null : serializer;
		this.clock = clock;
		this.checkedKeys = (this.serializer instanceof ProtectingSerializer protecting
				&& protecting.protection().keyStore().shared()
				&& journal.checksSubjectKeys(protecting.protection().keyStore())) ? protecting.protection() : null;
		this.observers = new Observers(observers);
		this.erasures = (this.serializer instanceof ProtectingSerializer protecting)
				? new PersonalDataErasures(protecting.protection(), journal, this.observers, clock,
						(event) -> append(PersonalDataErased.STREAM, List.of(event), ExpectedVersion.any(), null))
				: null;
		this.erasuresSeen = ErasuresSeen
			.of((this.serializer instanceof ProtectingSerializer protecting) ? protecting.protection() : null);
		if (journal.isShared()) {
			this.dispatcher = new SharedLogDispatcher(journal, this.observers, this.commits, SHARED_POLL_MILLIS,
					this.erasuresSeen);
			this.commitWatch = journal.watchCommits(this.commits::wakeAll);
		}
		else {
			this.dispatcher = new LiveDispatcher(journal::lastPosition, this.observers);
			this.commitWatch = () -> {
			};
		}
	}

	@Override
	public AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected) {
		return append(streamId, events, expected, null);
	}

	@Override
	public AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition) {
		if (condition == null) {
			throw new IllegalArgumentException("Append condition must not be null");
		}
		return append(streamId, events, expected, condition);
	}

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		if (query == null) {
			throw new IllegalArgumentException("Query must not be null; use EventQuery.all()");
		}
		ensureOpen();
		QueryResult result = this.journal.read(query, fromPosition, maxCount);
		this.erasuresSeen.in(result.events());
		return result;
	}

	private AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition) {
		requireStreamId(streamId);
		if (events == null) {
			throw new IllegalArgumentException("Events must not be null (stream " + Texts.quote(streamId) + ")");
		}
		for (int i = 0; i < events.size(); i++) {
			if (events.get(i) == null) {
				throw new IllegalArgumentException(
						"Event " + i + " of the batch for stream " + Texts.quote(streamId) + " is null");
			}
		}
		if (expected == null) {
			throw new IllegalArgumentException("Expected version must not be null; use ExpectedVersion.any()");
		}
		if (events.isEmpty()) {
			return checkOnly(streamId, expected, condition);
		}
		requireDistinctIds(streamId, events);
		ensureOpen();
		List<NewEvent> batch;
		SubjectKeysUsed keys = null;
		if (this.checkedKeys != null) {
			List<NewEvent> sealed = new ArrayList<>(events.size());
			keys = this.checkedKeys.sealingChecked(() -> sealed.addAll(serializedEach(events)));
			batch = sealed;
		}
		else {
			batch = (this.serializer == null) ? List.copyOf(events) : serialized(events);
		}
		// Timed only for observers: reading the clock costs about as much as indexing the
		// append.
		boolean timed = this.observers.any();
		long start = timed ? System.nanoTime() : 0;
		AppendResult stored;
		try {
			try {
				if (keys != null && !keys.isEmpty()) {
					try {
						stored = this.journal.append(streamId, batch, expected, condition, now(), keys);
					}
					catch (SubjectKeysChangedException changed) {
						// Another instance erased a subject since its key was cached
						// here: sealed again asking the store about each key, nothing
						// having been written.
						batch = serialized(events);
						stored = write(streamId, batch, expected, condition);
					}
				}
				else {
					stored = write(streamId, batch, expected, condition);
				}
			}
			catch (EventIdConflictException conflict) {
				List<NewEvent> asStored = (this.serializer instanceof ProtectingSerializer protecting)
						? PersonalDataRetries.asStored(this.journal, streamId, events, batch, protecting) : null;
				if (asStored == null) {
					throw conflict;
				}
				batch = asStored;
				stored = write(streamId, batch, expected, condition);
			}
		}
		catch (ConcurrencyConflictException | EventIdConflictException ex) {
			this.observers.appendFailed(streamId, ex, timed ? System.nanoTime() - start : 0);
			throw ex;
		}
		catch (EventStoreException ex) {
			this.writeFailure = ex.getMessage();
			this.observers.appendFailed(streamId, ex, timed ? System.nanoTime() - start : 0);
			throw ex;
		}
		if (this.writeFailure != null) {
			this.writeFailure = null;
		}
		if (stored.isDuplicate()) {
			return stored;
		}
		if (timed) {
			this.observers.appended(batch, stored, System.nanoTime() - start);
		}
		if (!this.catchUps.isEmpty() || this.journal.isShared()) {
			this.commits.wakeAll();
		}
		this.dispatcher.publish(stored);
		return stored;
	}

	private AppendResult write(String streamId, List<NewEvent> batch, ExpectedVersion expected,
			@Nullable AppendCondition condition) {
		return (condition == null) ? this.journal.append(streamId, batch, expected, now())
				: this.journal.append(streamId, batch, expected, condition, now());
	}

	/**
	 * An empty batch, as the original design has it: the expected version is checked,
	 * nothing is written and nobody is notified.
	 */
	private AppendResult checkOnly(String streamId, ExpectedVersion expected, @Nullable AppendCondition condition) {
		ensureOpen();
		long version = this.journal.streamVersion(streamId);
		if (!expected.matches(version)) {
			ConcurrencyConflictException conflict = new ConcurrencyConflictException(streamId, expected, version);
			this.observers.appendFailed(streamId, conflict, 0);
			throw conflict;
		}
		if (condition != null) {
			List<StoredEvent> matching = this.journal
				.read(condition.query(), condition.after() + 1, AppendConditionFailedException.MAX_LISTED)
				.events();
			if (!matching.isEmpty()) {
				AppendConditionFailedException failed = new AppendConditionFailedException(streamId, condition,
						matching.stream().map(StoredEvent::position).toList(), version);
				this.observers.appendFailed(streamId, failed, 0);
				throw failed;
			}
		}
		return AppendResult.stored(List.of());
	}

	private List<NewEvent> serialized(List<NewEvent> events) {
		if (events.size() > 1 && this.serializer instanceof ProtectingSerializer protecting) {
			return protecting.protection().sealingOnce(() -> serializedEach(events));
		}
		return serializedEach(events);
	}

	private List<NewEvent> serializedEach(List<NewEvent> events) {
		List<NewEvent> batch = new ArrayList<>(events.size());
		for (NewEvent event : events) {
			NewEvent serialized = event.serializedWith(this.serializer);
			if (event.payload() == null && this.serializer instanceof ProtectingSerializer protecting) {
				serialized = protecting.sealedByHand(serialized);
			}
			batch.add(serialized);
		}
		return batch;
	}

	private static void requireDistinctIds(String streamId, List<NewEvent> events) {
		if (events.size() == 1) {
			return;
		}
		Set<UUID> ids = new HashSet<>();
		for (NewEvent event : events) {
			if (!ids.add(event.id())) {
				throw new IllegalArgumentException("Event id " + event.id() + " appears twice in the batch for stream "
						+ Texts.quote(streamId) + "; every event needs an id of its own");
			}
		}
	}

	@Override
	public boolean erasePersonalData(String subjectId) {
		if (this.erasures == null) {
			return EventStore.super.erasePersonalData(subjectId);
		}
		if (subjectId == null || subjectId.isEmpty()) {
			throw new IllegalArgumentException("Subject id must not be null or empty");
		}
		ensureOpen();
		return this.erasures.erase(subjectId);
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		requireStreamId(streamId);
		if (fromVersion < 1) {
			throw new IllegalArgumentException("fromVersion must be >= 1 (versions start at 1), was " + fromVersion);
		}
		requireMaxCount(maxCount);
		ensureOpen();
		return this.erasuresSeen.in(this.journal.readStream(streamId, fromVersion, maxCount));
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		requireFromPosition(fromPosition);
		requireMaxCount(maxCount);
		ensureOpen();
		return this.erasuresSeen.in(this.journal.readAll(fromPosition, maxCount));
	}

	@Override
	public long streamVersion(String streamId) {
		requireStreamId(streamId);
		ensureOpen();
		return this.journal.streamVersion(streamId);
	}

	@Override
	public long lastPosition() {
		ensureOpen();
		return this.journal.lastPosition();
	}

	@Override
	public long streamCount() {
		ensureOpen();
		return this.journal.streamCount();
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		ensureOpen();
		if (prefix == null) {
			throw new IllegalArgumentException("Stream id prefix must not be null; use \"\" for every stream");
		}
		if (limit < 1 || limit > 1_000) {
			throw new IllegalArgumentException("A page of streams holds 1 to 1,000 ids, was " + limit);
		}
		return this.journal.streamIds(prefix, after, limit);
	}

	@Override
	public Subscription subscribe(Consumer<StoredEvent> subscriber) {
		requireSubscriber(subscriber);
		ensureOpen();
		return this.dispatcher.subscribe(subscriber);
	}

	@Override
	public Subscription subscribe(long fromPosition, Consumer<StoredEvent> subscriber) {
		requireFromPosition(fromPosition);
		requireSubscriber(subscriber);
		ensureOpen();
		CatchUpSubscription[] self = new CatchUpSubscription[1];
		self[0] = new CatchUpSubscription(this.journal, this.commits, this.observers, fromPosition, subscriber,
				() -> this.catchUps.remove(self[0]), this.erasuresSeen);
		this.catchUps.add(self[0]);
		return self[0].start();
	}

	@Override
	public EventStoreStatus status() {
		boolean open = !this.closed;
		long lastPosition = -1;
		if (open) {
			try {
				lastPosition = this.journal.lastPosition();
			}
			catch (IllegalStateException ex) {
				open = false;
			}
		}
		Map<String, Object> details = this.journal.details();
		if (this.serializer instanceof ProtectingSerializer protecting) {
			// Where the subjects' keys are and how many: never a key.
			details = new LinkedHashMap<>(details);
			SubjectKeyStore keys = protecting.protection().keyStore();
			details.put("personalDataKeys", keys.location());
			details.put("personalDataSubjects", keys.size());
		}
		return new EventStoreStatus(this.journal.location(), open, lastPosition, this.journal.sizeBytes(), details,
				this.writeFailure);
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (CatchUpSubscription subscription : List.copyOf(this.catchUps)) {
			subscription.close();
		}
		this.dispatcher.close();
		try {
			this.commitWatch.close();
		}
		catch (Exception ex) {
			logger.log(System.Logger.Level.WARNING, "Could not stop watching " + this.journal.location(), ex);
		}
		this.journal.close();
	}

	@Override
	public String toString() {
		return "EventStore[" + this.journal.location() + "]";
	}

	/**
	 * The clock's time to the microsecond, the finest that every journal keeps, so that
	 * an event reads back the same from each.
	 */
	private Instant now() {
		Instant now = this.clock.instant();
		int belowMicros = now.getNano() % 1_000;
		// What truncatedTo(MICROS) gives, without its general unit arithmetic.
		return (belowMicros == 0) ? now : now.minusNanos(belowMicros);
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("EventStore on " + this.journal.location() + " is closed");
		}
	}

	private static void requireStreamId(String streamId) {
		Texts.requireStreamId(streamId);
	}

	private static void requireFromPosition(long fromPosition) {
		if (fromPosition < 1) {
			throw new IllegalArgumentException("fromPosition must be >= 1 (positions start at 1), was " + fromPosition);
		}
	}

	private static void requireMaxCount(int maxCount) {
		if (maxCount < 0) {
			throw new IllegalArgumentException("maxCount must be >= 0, was " + maxCount);
		}
	}

	private static void requireSubscriber(Consumer<StoredEvent> subscriber) {
		if (subscriber == null) {
			throw new IllegalArgumentException("Subscriber must not be null");
		}
	}

}
