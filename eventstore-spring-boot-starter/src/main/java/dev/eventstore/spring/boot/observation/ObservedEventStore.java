package dev.eventstore.spring.boot.observation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreStatus;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventStore} whose appends are each one {@link Observation}
 * ({@code eventstore.append}), so they show as spans in tracing and as the
 * {@code eventstore.append} timer, with one instrumentation, as Spring's own components
 * do. Low-cardinality keys: {@code outcome} ({@code success}, {@code conflict},
 * {@code error}), {@code event.type} (the batch's type, {@code mixed} for several) and
 * {@code exception}; high-cardinality: {@code stream.id}. Everything else is the
 * delegate's.
 *
 * @since 0.2.0
 */
public final class ObservedEventStore implements EventStore {

	private final EventStore delegate;

	private final ObservationRegistry registry;

	private final boolean propagate;

	public ObservedEventStore(EventStore delegate, ObservationRegistry registry) {
		this(delegate, registry, false);
	}

	/**
	 * @param delegate the store observed
	 * @param registry the registry
	 * @param propagate whether to record the trace context of the append (what the
	 * application's tracing propagates, e.g. {@code traceparent}) in each event's
	 * metadata, so that a processor's observation of the event continues the trace
	 */
	public ObservedEventStore(EventStore delegate, ObservationRegistry registry, boolean propagate) {
		this.delegate = delegate;
		this.registry = registry;
		this.propagate = propagate;
	}

	/** The store observed. */
	public EventStore delegate() {
		return this.delegate;
	}

	@Override
	public AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected) {
		return observed(streamId, events, (stored) -> this.delegate.appendBatch(streamId, stored, expected));
	}

	@Override
	public AppendResult appendBatch(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition) {
		return observed(streamId, events, (stored) -> this.delegate.appendBatch(streamId, stored, expected, condition));
	}

	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		return this.delegate.read(query, fromPosition, maxCount);
	}

	private AppendResult observed(String streamId, List<NewEvent> events,
			Function<List<NewEvent>, AppendResult> append) {
		Map<String, String> carrier = new LinkedHashMap<>();
		SenderContext<Map<String, String>> sender = new SenderContext<>((map, key, value) -> {
			if (map != null) {
				map.put(key, value);
			}
		});
		sender.setCarrier(carrier);
		Observation observation = Observation
			.createNotStarted("eventstore.append", () -> this.propagate ? sender : new Observation.Context(),
					this.registry)
			.contextualName("eventstore append")
			.lowCardinalityKeyValue("event.type", typeOf(events))
			.highCardinalityKeyValue("stream.id", String.valueOf(streamId))
			.start();
		Observation.Scope scope = observation.openScope();
		try {
			List<NewEvent> stored = (this.propagate && !carrier.isEmpty() && events != null)
					? withTraceContext(events, carrier) : events;
			AppendResult result = append.apply(stored);
			observation.lowCardinalityKeyValue("outcome", "success").lowCardinalityKeyValue("exception", "none");
			return result;
		}
		catch (RuntimeException ex) {
			observation
				.lowCardinalityKeyValue("outcome", (ex instanceof ConcurrencyConflictException) ? "conflict" : "error")
				.lowCardinalityKeyValue("exception", ex.getClass().getSimpleName())
				.error(ex);
			throw ex;
		}
		finally {
			scope.close();
			observation.stop();
		}
	}

	/** The events, their metadata holding the trace context the tracing handler set. */
	private static List<NewEvent> withTraceContext(List<NewEvent> events, Map<String, String> context) {
		List<NewEvent> copies = new ArrayList<>(events.size());
		for (NewEvent event : events) {
			if (event == null) {
				copies.add(event);
				continue;
			}
			Map<String, Object> metadata = new LinkedHashMap<>(event.metadata());
			context.forEach(metadata::putIfAbsent);
			copies.add(event.withMetadata(metadata));
		}
		return copies;
	}

	private static String typeOf(@Nullable List<NewEvent> events) {
		if (events == null || events.isEmpty()) {
			return "none";
		}
		String type = (events.get(0) != null) ? events.get(0).type() : "none";
		for (NewEvent event : events) {
			if (event == null || !type.equals(event.type())) {
				return "mixed";
			}
		}
		return type;
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		return this.delegate.readStream(streamId, fromVersion, maxCount);
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		return this.delegate.readAll(fromPosition, maxCount);
	}

	@Override
	public long streamVersion(String streamId) {
		return this.delegate.streamVersion(streamId);
	}

	@Override
	public long lastPosition() {
		return this.delegate.lastPosition();
	}

	@Override
	public long streamCount() {
		return this.delegate.streamCount();
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		return this.delegate.streamIds(prefix, after, limit);
	}

	@Override
	public Subscription subscribe(Consumer<StoredEvent> subscriber) {
		return this.delegate.subscribe(subscriber);
	}

	@Override
	public Subscription subscribe(long fromPosition, Consumer<StoredEvent> subscriber) {
		return this.delegate.subscribe(fromPosition, subscriber);
	}

	@Override
	public EventStoreStatus status() {
		return this.delegate.status();
	}

	@Override
	public boolean erasePersonalData(String subjectId) {
		return this.delegate.erasePersonalData(subjectId);
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public String toString() {
		return "Observed" + this.delegate;
	}

}
