package dev.eventstore.spring.boot.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.eventstore.StoredEvent;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of durable event processors, each tagged {@code processor} with its
 * name:
 * <ul>
 * <li>{@code eventstore.processor.lag} gauge: positions the processor is behind the log,
 * one for each segment, tagged {@code segment} too ({@code 0} for a processor of one
 * segment); a processor's lag is the highest of its segments' (a sum over segments counts
 * the positions behind each of them);</li>
 * <li>{@code eventstore.processor.parked} gauge: events parked in the segments this
 * instance runs;</li>
 * <li>{@code eventstore.processor.parked.events} counter: events parked, and
 * {@code eventstore.processor.discarded} counter: parked events an operator
 * discarded;</li>
 * <li>{@code eventstore.processor.position} gauge: the last position it handled;</li>
 * <li>{@code eventstore.processor.failures} counter: handler calls that threw, tagged
 * {@code exception} too;</li>
 * <li>{@code eventstore.processor.handling} timer: handler calls that succeeded, with
 * their transaction.</li>
 * </ul>
 * Thread-safe.
 *
 * @since 0.2.0
 */
public class EventProcessorMetrics implements MeterBinder, ProcessorObserver {

	private final Supplier<Iterable<Processor>> processors;

	private volatile @Nullable MeterRegistry registry;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * @param processors the processors to watch, asked for when the binder is bound
	 */
	public EventProcessorMetrics(Supplier<Iterable<Processor>> processors) {
		this.processors = processors;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (Processor processor : this.processors.get()) {
			for (int segment = 0; segment < processor.segmentCount(); segment++) {
				int index = segment;
				Gauge.builder("eventstore.processor.lag", processor, (p) -> p.status().segments().get(index).lag())
					.description("Positions the processor is behind the log")
					.tag("processor", processor.name())
					.tag("segment", String.valueOf(index))
					.register(registry);
			}
			Gauge.builder("eventstore.processor.parked", processor, (p) -> p.status().parked())
				.description("Events the processor parked, in the segments this instance runs")
				.tag("processor", processor.name())
				.register(registry);
			Gauge.builder("eventstore.processor.position", processor, (p) -> p.status().checkpoint())
				.description("The last position the processor handled")
				.tag("processor", processor.name())
				.register(registry);
		}
	}

	@Override
	public void handled(String processor, StoredEvent event, long nanos) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			this.timers
				.computeIfAbsent(processor,
						(name) -> Timer.builder("eventstore.processor.handling")
							.description("Handler calls of the processor that succeeded")
							.tag("processor", name)
							.register(registry))
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void parked(String processor, ParkedEvent event) {
		count("eventstore.processor.parked.events", "Events the processor parked", processor);
	}

	@Override
	public void discarded(String processor, ParkedEvent event) {
		count("eventstore.processor.discarded", "Parked events an operator discarded", processor);
	}

	private void count(String name, String description, String processor) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			Counter.builder(name).description(description).tag("processor", processor).register(registry).increment();
		}
	}

	@Override
	public void handlerFailed(String processor, StoredEvent event, int attempt, Throwable failure) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			Counter.builder("eventstore.processor.failures")
				.description("Handler calls of the processor that threw")
				.tag("processor", processor)
				.tag("exception", failure.getClass().getSimpleName())
				.register(registry)
				.increment();
		}
	}

}
