package dev.eventstore.journal.file;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.internal.IdTable;
import dev.eventstore.journal.support.Retries;
import org.jspecify.annotations.Nullable;

/**
 * The first half of writing a group of appends: checks each request's expected version in
 * queue order (against the versions the group's earlier requests leave), recognises
 * retries, fails what does not pass, and composes the lines of what does into one buffer,
 * on consecutive positions. Writing, forcing and indexing them is the journal's. Not
 * thread-safe: used under the journal's write lock; its buffer and list are reused.
 */
final class GroupComposer {

	/** Finds the stored event of an id, this group's earlier requests included. */
	@FunctionalInterface
	interface StoredIdLookup {

		@Nullable StoredEvent find(UUID id, Map<UUID, StoredEvent> groupIds);

	}

	private final LineEncoder codec = new LineEncoder();

	/**
	 * The requests to complete once the lines are durable: those composed, then retries.
	 */
	private final List<AppendRequest> written = new ArrayList<>();

	/**
	 * Composes a group.
	 * @param group the requests, in queue order
	 * @param index the index of the file being written, for streams' versions
	 * @param nextPosition the position the first composed event takes
	 * @param storedIds finds a retried id's stored event
	 * @return the position after the composed events
	 */
	long compose(List<AppendRequest> group, JournalIndex index, long nextPosition, StoredIdLookup storedIds,
			@Nullable LogQueries queries) {
		this.codec.reset();
		long position = nextPosition;
		// A group of one (an appender alone) needs no maps of the group's versions and
		// ids.
		boolean many = group.size() > 1;
		Map<String, Long> versions = many ? new HashMap<>() : Map.of();
		List<AppendRequest> written = this.written;
		written.clear();
		// Retries of requests written in this very group succeed or fail with them; the
		// ids of a group's earlier requests are only needed when there are any.
		List<AppendRequest> retriesInGroup = List.of();
		Map<UUID, StoredEvent> groupIds = many ? new HashMap<>() : Map.of();
		for (AppendRequest request : group) {
			Long versionInGroup = versions.get(request.streamId);
			long version = (versionInGroup != null) ? versionInGroup : index.lastVersion(request.streamId);
			List<StoredEvent> retried;
			try {
				retried = Retries.storedCopy(request.streamId, request.events, request.expected, version,
						(id) -> storedIds.find(id, groupIds));
			}
			catch (EventStoreException ex) {
				request.fail(ex);
				continue;
			}
			if (retried != null) {
				request.stored = AppendResult.duplicate(retried);
				if (retried.get(0).position() >= nextPosition) {
					if (retriesInGroup.isEmpty()) {
						retriesInGroup = new ArrayList<>();
					}
					retriesInGroup.add(request);
				}
				else {
					request.succeeded();
				}
				continue;
			}
			if (!request.expected.matches(version)) {
				request.fail(new ConcurrencyConflictException(request.streamId, request.expected, version));
				continue;
			}
			if (request.condition != null) {
				List<Long> conflicts = conflicts(request.condition, Objects.requireNonNull(queries), nextPosition - 1,
						written);
				if (!conflicts.isEmpty()) {
					request.fail(new AppendConditionFailedException(request.streamId, request.condition, conflicts,
							version));
					continue;
				}
			}
			request.lineStarts = this.codec.append(request.bodies, position, version + 1);
			request.end = this.codec.size();
			StoredEvent[] stored = new StoredEvent[request.events.size()];
			for (int i = 0; i < stored.length; i++) {
				NewEvent event = request.events.get(i);
				stored[i] = StoredEvent.appended(position + i, request.streamId, version + 1 + i, event,
						request.timestamp);
				if (many) {
					groupIds.put(event.id(), stored[i]);
				}
			}
			request.stored = AppendResult.stored(List.of(stored));
			position += request.events.size();
			if (many) {
				versions.put(request.streamId, version + request.events.size());
			}
			written.add(request);
		}
		if (!written.isEmpty()) {
			written.addAll(retriesInGroup);
		}
		return position;
	}

	/**
	 * The requests to complete once the composed lines are durable (retries among them
	 * stored nothing); empty when nothing was composed.
	 */
	/**
	 * Once the group's lines are written from byte offset {@code start} (and forced, if
	 * the policy says so): indexes its events, makes them readable from memory and
	 * completes its requests.
	 */
	void indexWritten(long start, JournalIndex index, IdTable ids, DecodedEvents decoded,
			@Nullable LogQueries queries) {
		for (AppendRequest request : this.written) {
			if (!request.stored.isDuplicate()) {
				index.add(request.streamId, start, request.lineStarts, start + request.end);
				for (StoredEvent event : request.stored) {
					ids.add(event.id(), event.position());
					if (queries != null) {
						queries.add(event.position(), event.type(), event.tags());
					}
					// The events an application reads next are most often those it just
					// appended (load, decide, append, load again): they read back from
					// memory, as they would decode from their lines.
					decoded.put(event);
				}
			}
			request.succeeded();
		}
	}

	/**
	 * The first positions after the condition's that match its query: in the index, which
	 * holds the log up to {@code committed}, then among the events this group composed
	 * before (not yet written, but ordered before this request).
	 */
	private static List<Long> conflicts(AppendCondition condition, LogQueries queries, long committed,
			List<AppendRequest> composed) {
		long[] committedMatches = queries.matching(condition.query(), condition.after(), committed,
				AppendConditionFailedException.MAX_LISTED);
		if (committedMatches.length == 0 && composed.isEmpty()) {
			return List.of();
		}
		List<Long> conflicts = new ArrayList<>();
		for (long position : committedMatches) {
			conflicts.add(position);
		}
		for (AppendRequest earlier : composed) {
			for (StoredEvent event : earlier.stored) {
				if (conflicts.size() < AppendConditionFailedException.MAX_LISTED && event.position() > condition.after()
						&& condition.query().matches(event)) {
					conflicts.add(event.position());
				}
			}
		}
		return conflicts;
	}

	List<AppendRequest> written() {
		return this.written;
	}

	/** The composed lines. */
	byte[] bytes() {
		return this.codec.bytes();
	}

	/** How many bytes the composed lines take. */
	int size() {
		return this.codec.size();
	}

}
