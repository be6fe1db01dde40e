package dev.eventstore.spring.boot.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.EventStoreStatus;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of an event store, fed as the store's {@link EventStoreObserver}:
 * <ul>
 * <li>{@code eventstore.events.appended} counter: events appended;</li>
 * <li>{@code eventstore.conflicts} counter: appends rejected by a concurrency
 * conflict;</li>
 * <li>{@code eventstore.listener.errors} counter: subscriber and listener failures;</li>
 * <li>{@code eventstore.append} timer: append calls, single and batch, tagged
 * {@code outcome} {@code success}, {@code conflict} or {@code error} and
 * {@code exception} (the exception's simple name, {@code none} on success); percentiles
 * and histograms as {@code management.metrics.distribution.*} configures;</li>
 * <li>{@code eventstore.position} gauge: the last global position;</li>
 * <li>{@code eventstore.journal.size} gauge: the journal's size in bytes.</li>
 * </ul>
 * Counts made before the binder is bound are kept. Thread-safe.
 *
 * @since 0.1.0
 */
public class EventStoreMetrics implements MeterBinder, EventStoreObserver {

	private final Supplier<@Nullable EventStoreStatus> status;

	private final LongAdder appends = new LongAdder();

	private final LongAdder conflicts = new LongAdder();

	private final LongAdder listenerErrors = new LongAdder();

	private final LongAdder erasures = new LongAdder();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/** The status the gauges last read, and when: a scrape costs no journal call. */
	private volatile @Nullable EventStoreStatus cached;

	private volatile long cachedAt;

	/** The highest position this store appended, seen without asking the journal. */
	private final AtomicLong appendedPosition = new AtomicLong();

	private final long cacheNanos;

	private final boolean timeAppends;

	/** The {@code store} tag: the store's bean name. */
	private final Tags tags;

	/**
	 * @param status supplies the store's current status for the gauges, or null when
	 * there is no store
	 */
	public EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status) {
		this(status, Duration.ofSeconds(5));
	}

	/**
	 * @param status supplies the store's current status for the gauges, or null when
	 * there is no store
	 * @param refresh how long the gauges use a status before asking again
	 */
	EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status, Duration refresh) {
		this(status, refresh, true);
	}

	/**
	 * @param status supplies the store's current status for the gauges, or null when
	 * there is no store
	 * @param timeAppends whether to time appends here; false when observations time them
	 * ({@code eventstore.append} comes from the observation then)
	 */
	public EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status, boolean timeAppends) {
		this(status, Duration.ofSeconds(5), timeAppends);
	}

	EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status, Duration refresh, boolean timeAppends) {
		this(status, refresh, timeAppends, "eventStore");
	}

	/**
	 * @param status supplies the store's current status for the gauges, or null when
	 * there is no store
	 * @param timeAppends whether to time appends here; false when observations time them
	 * @param storeName the store's bean name, the {@code store} tag of every meter
	 */
	public EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status, boolean timeAppends, String storeName) {
		this(status, Duration.ofSeconds(5), timeAppends, storeName);
	}

	EventStoreMetrics(Supplier<@Nullable EventStoreStatus> status, Duration refresh, boolean timeAppends,
			String storeName) {
		this.tags = Tags.of("store", storeName);
		this.status = status;
		this.cacheNanos = refresh.toNanos();
		this.timeAppends = timeAppends;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("eventstore.events.appended", this.appends, LongAdder::doubleValue)
			.description("Events appended to the event store")
			.baseUnit("events")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("eventstore.conflicts", this.conflicts, LongAdder::doubleValue)
			.description("Appends rejected because the stream was not at the expected version")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("eventstore.listener.errors", this.listenerErrors, LongAdder::doubleValue)
			.description("Subscribers and event listeners that threw while handling a stored event")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("eventstore.personal-data.erasures", this.erasures, LongAdder::doubleValue)
			.description("Data subjects whose personal data was erased (their keys destroyed)")
			.baseUnit("subjects")
			.tags(this.tags)
			.register(registry);
		bindGauges(registry);
		if (this.timeAppends) {
			this.registries.add(registry);
		}
	}

	/** Only the gauges: for a store this binder does not observe. */
	void bindGauges(MeterRegistry registry) {
		Gauge.builder("eventstore.position", this, (metrics) -> {
			double stored = metrics.statusValue(EventStoreStatus::lastPosition);
			return Double.isNaN(stored) ? stored : Math.max(stored, metrics.appendedPosition.get());
		}).description("Global position of the last stored event").tags(this.tags).register(registry);
		Gauge
			.builder("eventstore.journal.size", this,
					(metrics) -> metrics.statusValue(EventStoreStatus::journalSizeBytes))
			.description("Size of the event store's journal")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
	}

	/**
	 * The append timer for an outcome and exception; percentiles and histograms are left
	 * to {@code management.metrics.distribution.*}.
	 */
	private Timer timer(MeterRegistry registry, String outcome, String exception) {
		return Timer.builder("eventstore.append")
			.description("Append calls to the event store, single and batch, until durable")
			.tag("outcome", outcome)
			.tag("exception", exception)
			.tags(this.tags)
			.register(registry);
	}

	private double statusValue(ToLongFunction<EventStoreStatus> value) {
		EventStoreStatus current = this.cached;
		if (current == null || System.nanoTime() - this.cachedAt >= this.cacheNanos) {
			// At most one status (on PostgreSQL, one round trip) every 5 seconds,
			// whatever the scrape rate.
			current = this.status.get();
			this.cached = current;
			this.cachedAt = System.nanoTime();
		}
		if (current == null || !current.open()) {
			return Double.NaN;
		}
		long result = value.applyAsLong(current);
		return (result < 0) ? Double.NaN : result;
	}

	@Override
	public void personalDataErased(String subjectReference) {
		this.erasures.increment();
	}

	@Override
	public void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
		this.appends.add(stored.size());
		if (!stored.isEmpty()) {
			this.appendedPosition.accumulateAndGet(stored.get(stored.size() - 1).position(), Math::max);
		}
		for (MeterRegistry registry : this.registries) {
			timer(registry, "success", "none").record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void appendFailed(String streamId, RuntimeException failure, long nanos) {
		boolean conflict = failure instanceof ConcurrencyConflictException;
		if (conflict) {
			this.conflicts.increment();
		}
		for (MeterRegistry registry : this.registries) {
			timer(registry, conflict ? "conflict" : "error", failure.getClass().getSimpleName()).record(nanos,
					TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void subscriberFailed(StoredEvent event, Throwable failure) {
		this.listenerErrors.increment();
	}

}
