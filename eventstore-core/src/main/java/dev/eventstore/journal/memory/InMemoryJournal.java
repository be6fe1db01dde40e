package dev.eventstore.journal.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventQuery;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.IdTable;
import dev.eventstore.journal.support.QueryIndex;
import dev.eventstore.journal.support.Retries;
import dev.eventstore.journal.support.StreamPages;
import org.jspecify.annotations.Nullable;

/**
 * A journal on the heap: nothing survives the process. Thread-safe: appends are
 * serialised by a write lock, reads share a read lock.
 *
 * @since 0.1.0
 */
public final class InMemoryJournal implements Journal {

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/**
	 * The log in chunks of {@value #CHUNK}: growing it never copies, nor asks for one
	 * huge array.
	 */
	private final ArrayList<StoredEvent[]> log = new ArrayList<>();

	private static final int CHUNK = 1 << 14;

	private int size;

	private final Map<String, ArrayList<StoredEvent>> streams = new HashMap<>();

	/**
	 * Where each id is: positions, not a map of UUIDs, so it costs the collector nothing.
	 */
	private final IdTable ids = new IdTable();

	/** The positions of each type and tag, for queries and append conditions. */
	private final QueryIndex queries = new QueryIndex();

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		return append(streamId, events, expected, null, timestamp);
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp) {
		this.lock.writeLock().lock();
		try {
			ArrayList<StoredEvent> stream = this.streams.get(streamId);
			long version = (stream != null) ? stream.size() : 0;
			List<StoredEvent> retried = Retries.storedCopy(streamId, events, expected, version, this::storedWithId);
			if (retried != null) {
				return AppendResult.duplicate(retried);
			}
			if (!expected.matches(version)) {
				throw new ConcurrencyConflictException(streamId, expected, version);
			}
			if (condition != null) {
				long[] conflicts = this.queries.matching(condition.query(), condition.after(), this.size,
						AppendConditionFailedException.MAX_LISTED);
				if (conflicts.length > 0) {
					throw new AppendConditionFailedException(streamId, condition,
							Arrays.stream(conflicts).boxed().toList(), version);
				}
			}
			long position = this.size;
			if (stream == null) {
				stream = new ArrayList<>();
				this.streams.put(streamId, stream);
			}
			StoredEvent[] stored = new StoredEvent[events.size()];
			for (int i = 0; i < stored.length; i++) {
				NewEvent event = events.get(i);
				stored[i] = StoredEvent.appended(++position, streamId, ++version, event, timestamp);
				this.ids.add(event.id(), stored[i].position());
				if ((this.size & (CHUNK - 1)) == 0) {
					this.log.add(new StoredEvent[CHUNK]);
				}
				this.log.get(this.size >>> 14)[this.size & (CHUNK - 1)] = stored[i];
				this.size++;
				stream.add(stored[i]);
				this.queries.add(stored[i].position(), event.type(), event.tags());
			}
			return AppendResult.stored(List.of(stored));
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Called under the write lock. */
	private @Nullable StoredEvent storedWithId(UUID id) {
		long position = this.ids.find(id, (p) -> eventAt(p).id().equals(id));
		return (position > 0) ? eventAt(position) : null;
	}

	private StoredEvent eventAt(long position) {
		int index = (int) (position - 1);
		return this.log.get(index >>> 14)[index & (CHUNK - 1)];
	}

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		if (fromPosition < 1 || maxCount < 0) {
			throw new IllegalArgumentException(
					"fromPosition must be >= 1 and maxCount >= 0, were " + fromPosition + " and " + maxCount);
		}
		this.lock.readLock().lock();
		try {
			long last = this.size;
			long[] positions = this.queries.matching(query, fromPosition - 1, last,
					(maxCount == Integer.MAX_VALUE) ? maxCount : maxCount + 1);
			int count = Math.min(positions.length, maxCount);
			List<StoredEvent> events = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				events.add(eventAt(positions[i]));
			}
			// A full page reflects the log up to just before the next match.
			long position = (positions.length > maxCount) ? positions[maxCount] - 1 : last;
			return new QueryResult(events, position);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		this.lock.readLock().lock();
		try {
			ArrayList<StoredEvent> stream = this.streams.get(streamId);
			return (stream != null) ? slice(stream, fromVersion - 1, maxCount) : List.of();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		this.lock.readLock().lock();
		try {
			if (fromPosition > this.size) {
				return List.of();
			}
			int from = (int) (fromPosition - 1);
			int to = (int) Math.min(this.size, from + (long) maxCount);
			StoredEvent[] page = new StoredEvent[to - from];
			for (int i = from; i < to; i++) {
				page[i - from] = this.log.get(i >>> 14)[i & (CHUNK - 1)];
			}
			return List.of(page);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private static List<StoredEvent> slice(List<StoredEvent> events, long from, int maxCount) {
		if (from >= events.size()) {
			return List.of();
		}
		int start = (int) from;
		int end = (int) Math.min(events.size(), start + (long) maxCount);
		return List.copyOf(events.subList(start, end));
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		StreamPages page = new StreamPages(prefix, after, limit);
		this.lock.readLock().lock();
		try {
			this.streams.keySet().forEach(page::offer);
		}
		finally {
			this.lock.readLock().unlock();
		}
		return page.page();
	}

	@Override
	public long streamCount() {
		this.lock.readLock().lock();
		try {
			return this.streams.size();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public Map<String, Object> details() {
		this.lock.readLock().lock();
		try {
			return Map.of("streams", this.streams.size());
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public long streamVersion(String streamId) {
		this.lock.readLock().lock();
		try {
			ArrayList<StoredEvent> stream = this.streams.get(streamId);
			return (stream != null) ? stream.size() : 0;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public long lastPosition() {
		this.lock.readLock().lock();
		try {
			return this.size;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	@Override
	public String location() {
		return "in-memory";
	}

	@Override
	public long sizeBytes() {
		return -1;
	}

	@Override
	public void close() {
	}

}
