package dev.eventstore.spring.boot.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.eventstore.EventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@code eventstore.position} and {@code eventstore.journal.size} gauges of every
 * {@link EventStore} bean of the context besides the auto-configured one (which
 * {@link EventStoreMetrics} covers), tagged {@code store} with the bean's name. Each
 * reads its store at most every 5 seconds. Counters and timers need the store built with
 * an {@link EventStoreMetrics} observer.
 *
 * @since 0.2.0
 */
public class EventStoreGauges implements MeterBinder {

	private final Supplier<Map<String, EventStore>> stores;

	private final String covered;

	/**
	 * The metrics bound, held here: a gauge holds its object weakly, so metrics nothing
	 * else references would be collected and read NaN.
	 */
	private final List<EventStoreMetrics> bound = new CopyOnWriteArrayList<>();

	/**
	 * @param stores the context's stores by bean name, asked for when bound
	 * @param covered the bean name {@link EventStoreMetrics} already covers
	 */
	public EventStoreGauges(Supplier<Map<String, EventStore>> stores, String covered) {
		this.stores = stores;
		this.covered = covered;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.stores.get().forEach((name, store) -> {
			if (!name.equals(this.covered)) {
				EventStoreMetrics metrics = new EventStoreMetrics(store::status, false, name);
				this.bound.add(metrics);
				metrics.bindGauges(registry);
			}
		});
	}

}
