package dev.eventstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.personal.SubjectKeysUsed;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import dev.eventstore.upcasting.Upcaster;
import dev.eventstore.upcasting.Upcasters;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The journal as the store's readers see it: every event read, delivered or returned
 * knows the store's {@link EventTypes}, and data of an older revision is upcast to the
 * current one. Wrapping the journal puts this on every read path at once: reads, live and
 * catch-up subscriptions, and the shared log's dispatch. Thread-safe as its journal.
 */
final class ReadingJournal implements Journal {

	private final Journal journal;

	private final EventTypes types;

	private final Upcasters upcasters;

	private final EventSerializer serializer;

	private ReadingJournal(Journal journal, EventTypes types, Upcasters upcasters, EventSerializer serializer) {
		this.journal = journal;
		this.types = types;
		this.upcasters = upcasters;
		this.serializer = serializer;
	}

	/**
	 * Checks that the upcasters lead each registered class to its revision.
	 * @throws IllegalArgumentException if a type's class is at a revision that its
	 * upcasters do not lead to
	 */
	static void validate(EventTypes types, Upcasters upcasters) {
		for (String type : upcasters.types()) {
			int latest = upcasters.latestRevision(type);
			types.classFor(type).ifPresent((payloadType) -> {
				int current = types.revisionOf(type);
				if (current != latest) {
					throw new IllegalArgumentException("The upcasters of '" + type + "' lead to revision " + latest
							+ ", but " + payloadType.getName() + " is at revision " + current);
				}
			});
		}
		for (Map.Entry<String, Class<?>> mapping : types.mappings().entrySet()) {
			int current = types.revisionOf(mapping.getKey());
			String name = types.nameOf(mapping.getValue()).orElse(mapping.getKey());
			if (current > 1 && upcasters.from(name, current - 1) == null) {
				throw new IllegalArgumentException(mapping.getValue().getName() + " is at revision " + current
						+ ", but no upcaster of '" + name + "' reads revision " + (current - 1));
			}
		}
	}

	/**
	 * The journal read through types, upcasters and a serializer of the application's, or
	 * itself when there are none of them.
	 */
	static Journal of(Journal journal, EventTypes types, Upcasters upcasters, EventSerializer serializer) {
		boolean defaults = serializer == JacksonEventSerializer.defaults();
		return (types.isEmpty() && upcasters.isEmpty() && defaults) ? journal
				: new ReadingJournal(journal, types, upcasters, serializer);
	}

	private StoredEvent read(StoredEvent event) {
		StoredEvent typed = (this.types.isEmpty() && this.serializer == JacksonEventSerializer.defaults()) ? event
				: event.withReader(this.types, this.serializer);
		if (this.upcasters.isEmpty()) {
			return typed;
		}
		String name = this.types.classFor(event.type()).flatMap(this.types::nameOf).orElse(event.type());
		int target = this.types.classFor(name).isPresent() ? this.types.revisionOf(name)
				: this.upcasters.latestRevision(name);
		return (event.revision() >= target) ? typed : upcast(typed, name, target);
	}

	private StoredEvent upcast(StoredEvent event, String name, int target) {
		ObjectNode data = event.tree();
		for (int revision = event.revision(); revision < target; revision++) {
			Upcaster upcaster = this.upcasters.from(name, revision);
			if (upcaster == null) {
				throw new UpcastingException(event.position(), "No upcaster reads revision " + revision + " of '" + name
						+ "' (the event at position " + event.position() + ")", null);
			}
			try {
				data = Objects.requireNonNull(upcaster.upcast(data), "the upcaster returned null");
			}
			catch (RuntimeException ex) {
				throw new UpcastingException(event.position(),
						"Upcaster " + upcaster + " failed on the event at position " + event.position() + " ('"
								+ event.type() + "' in stream '" + event.streamId() + "'): " + ex.getMessage(),
						ex);
			}
		}
		return event.withTree(target, data);
	}

	private List<StoredEvent> read(List<StoredEvent> events) {
		List<StoredEvent> read = new ArrayList<>(events.size());
		for (StoredEvent event : events) {
			read.add(read(event));
		}
		return read;
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		return read(this.journal.append(streamId, events, expected, timestamp));
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition, Instant timestamp) {
		return read(this.journal.append(streamId, events, expected, condition, timestamp));
	}

	@Override
	public boolean joinsCallerTransaction() {
		return this.journal.joinsCallerTransaction();
	}

	@Override
	public boolean checksSubjectKeys(SubjectKeyStore keys) {
		return this.journal.checksSubjectKeys(keys);
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp, SubjectKeysUsed keys) {
		return read(this.journal.append(streamId, events, expected, condition, timestamp, keys));
	}

	/** What an append stored, as readers see it: a retry stays a retry. */
	private AppendResult read(AppendResult result) {
		List<StoredEvent> read = read((List<StoredEvent>) result);
		return result.isDuplicate() ? AppendResult.duplicate(read) : AppendResult.stored(read);
	}

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		QueryResult result = this.journal.read(query, fromPosition, maxCount);
		return new QueryResult(read(result.events()), result.position());
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		return read(this.journal.readStream(streamId, fromVersion, maxCount));
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		return read(this.journal.readAll(fromPosition, maxCount));
	}

	@Override
	public long streamVersion(String streamId) {
		return this.journal.streamVersion(streamId);
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		return this.journal.streamIds(prefix, after, limit);
	}

	@Override
	public long streamCount() {
		return this.journal.streamCount();
	}

	@Override
	public long lastPosition() {
		return this.journal.lastPosition();
	}

	@Override
	public boolean isShared() {
		return this.journal.isShared();
	}

	@Override
	public AutoCloseable watchCommits(Runnable onCommit) {
		return this.journal.watchCommits(onCommit);
	}

	@Override
	public String location() {
		return this.journal.location();
	}

	@Override
	public long sizeBytes() {
		return this.journal.sizeBytes();
	}

	@Override
	public Map<String, Object> details() {
		return this.journal.details();
	}

	@Override
	public void close() {
		this.journal.close();
	}

}
