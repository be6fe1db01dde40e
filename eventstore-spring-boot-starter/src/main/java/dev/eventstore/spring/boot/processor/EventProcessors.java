package dev.eventstore.spring.boot.processor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.PipelinedEventHandler;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorObserver;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.processor.ProcessorSegments;
import dev.eventstore.processor.StartPoint;
import dev.eventstore.types.EventTypes;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;

/**
 * The application's durable event processors: one {@link Processor} for each
 * {@link EventProcessor @EventProcessor} bean, started when the context starts (after
 * every bean is ready) and stopped, with their checkpoints saved, before the store
 * closes. Look a processor up here to pause, resume, reset or watch it.
 *
 * <p>
 * Start-up fails, naming both, when two beans claim one name; and when a property under
 * {@code eventstore.processors.<name>} names no processor, which is a typo that would
 * otherwise be ignored.
 *
 * @since 0.2.0
 */
public final class EventProcessors implements SmartLifecycle, SmartInitializingSingleton {

	private final ListableBeanFactory beans;

	private final EventStore store;

	private final EventTypes types;

	private final ProcessorInfrastructure infrastructure;

	private final Map<String, ProcessorSettings> settings;

	private final ObjectProvider<ProcessorObserver> observers;

	private final BiFunction<String, EventHandler, EventHandler> decorator;

	private @Nullable Map<String, Processor> processors;

	private final Set<String> enabled = new TreeSet<>();

	private volatile boolean running;

	public EventProcessors(ListableBeanFactory beans, EventStore store, EventTypes types,
			ProcessorInfrastructure infrastructure, Map<String, ProcessorSettings> settings,
			ObjectProvider<ProcessorObserver> observers) {
		this(beans, store, types, infrastructure, settings, observers, (name, handler) -> handler);
	}

	/**
	 * @param decorator wraps each processor's handler, by processor name (to observe it,
	 * say)
	 */
	public EventProcessors(ListableBeanFactory beans, EventStore store, EventTypes types,
			ProcessorInfrastructure infrastructure, Map<String, ProcessorSettings> settings,
			ObjectProvider<ProcessorObserver> observers, BiFunction<String, EventHandler, EventHandler> decorator) {
		this.decorator = decorator;
		this.beans = beans;
		this.store = store;
		this.types = types;
		this.infrastructure = infrastructure;
		this.settings = settings;
		this.observers = observers;
	}

	/** Every processor, by name, in name order. */
	public synchronized List<Processor> all() {
		return List.copyOf(processors().values());
	}

	/**
	 * A processor by name.
	 * @param name the name
	 * @return the processor, empty when none has that name
	 */
	public synchronized Optional<Processor> find(String name) {
		return Optional.ofNullable(processors().get(name));
	}

	/** Builds the processors once every bean exists, failing start-up on a bad name. */
	@Override
	public synchronized void afterSingletonsInstantiated() {
		processors();
	}

	private Map<String, Processor> processors() {
		if (this.processors == null) {
			this.processors = Collections.unmodifiableMap(discover());
		}
		return this.processors;
	}

	private Map<String, Processor> discover() {
		Map<String, String> beanNames = new TreeMap<>();
		Map<String, Processor> found = new TreeMap<>();
		for (String beanName : this.beans.getBeanNamesForAnnotation(EventProcessor.class)) {
			EventProcessor annotation = this.beans.findAnnotationOnBean(beanName, EventProcessor.class);
			if (annotation == null) {
				continue;
			}
			String name = annotation.value();
			String other = beanNames.putIfAbsent(name, beanName);
			if (other != null) {
				throw new IllegalStateException("Two beans declare @EventProcessor(\"" + name + "\"): '" + other
						+ "' and '" + beanName + "'; processor names must be unique");
			}
			Object bean = this.beans.getBean(beanName);
			EventHandler handler = (bean instanceof EventHandler own) ? own
					: AnnotatedEventHandler.of(beanName, bean, this.types);
			ProcessorSettings settings = this.settings.getOrDefault(name, new ProcessorSettings());
			found.put(name, build(name, annotation, settings, handler));
			if (settings.isEnabled()) {
				this.enabled.add(name);
			}
		}
		Set<String> unknown = new TreeSet<>(this.settings.keySet());
		unknown.removeAll(found.keySet());
		if (!unknown.isEmpty()) {
			throw new IllegalStateException("eventstore.processors." + unknown.iterator().next()
					+ " configures no processor: the @EventProcessor names are " + found.keySet());
		}
		return new LinkedHashMap<>(found);
	}

	private Processor build(String name, EventProcessor annotation, ProcessorSettings settings, EventHandler handler) {
		StartPoint startFrom = (settings.getStartFrom() != null) ? settings.getStartFrom() : annotation.startFrom();
		EventProcessor.Checkpoints kind = (settings.getCheckpoints() != null) ? settings.getCheckpoints()
				: annotation.checkpoints();
		List<ProcessorObserver> all = this.observers.orderedStream().toList();
		boolean pipelined = handler instanceof PipelinedEventHandler;
		// A decorator is a plain EventHandler: around a pipelined one it would hide
		// flush().
		int segments = (settings.getSegments() != null) ? settings.getSegments() : annotation.segments();
		if (segments < 1 || segments > ProcessorSegments.MAX) {
			throw new IllegalStateException(
					"eventstore.processors." + name + ".segments (or @EventProcessor(segments)) " + "must be 1 to "
							+ ProcessorSegments.MAX + ", was " + segments);
		}
		Processor.Builder builder = Processor
			.builder(name, this.store, pipelined ? handler : this.decorator.apply(name, handler))
			.startFrom(startFrom)
			.retry(settings.getRetry().toPolicy())
			.checkpointEvery(settings.getCheckpointEvery(), settings.getCheckpointInterval())
			.ownershipCheck(settings.getOwnershipCheck())
			.stopTimeout(settings.getStopTimeout())
			.segments(segments)
			.whenRetriesExhausted(settings.getRetry().getExhausted())
			.observer(new CompositeObserver(all));
		if (kind == EventProcessor.Checkpoints.MEMORY) {
			// Rebuilt from the start in every process, so every instance runs its own.
			builder.checkpoints(CheckpointStore.inMemory()).ownership(ProcessorOwnership.local());
		}
		else if (pipelined) {
			// Its work completes after it returns, so it cannot commit with the
			// checkpoint: the checkpoint store's saves commit on their own (outside a
			// transaction the store's connections are autocommit ones).
			builder.checkpoints(new OwnCommits(this.infrastructure.checkpoints()))
				.ownership(this.infrastructure.ownership());
		}
		else {
			builder.checkpoints(this.infrastructure.checkpoints()).ownership(this.infrastructure.ownership());
			if (this.infrastructure.transactions() != null) {
				builder.transactions(this.infrastructure.transactions());
			}
		}
		return builder.build();
	}

	@Override
	public synchronized void start() {
		for (Processor processor : processors().values()) {
			if (this.enabled.contains(processor.name())) {
				processor.start();
			}
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		List<Processor> started = new ArrayList<>(processors().values());
		Collections.reverse(started);
		started.forEach(Processor::close);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** A checkpoint store whose saves do not join a handler's transaction. */
	private record OwnCommits(CheckpointStore checkpoints) implements CheckpointStore {

		@Override
		public Optional<Checkpoint> load(String processor) {
			return this.checkpoints.load(processor);
		}

		@Override
		public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
			this.checkpoints.save(processor, expected, next);
		}

		@Override
		public boolean keepsParkedEvents() {
			return this.checkpoints.keepsParkedEvents();
		}

		@Override
		public List<ParkedEvent> parked(String processor) {
			return this.checkpoints.parked(processor);
		}

		@Override
		public void park(String processor, ParkedEvent event) {
			this.checkpoints.park(processor, event);
		}

		@Override
		public void unpark(String processor, long position) {
			this.checkpoints.unpark(processor, position);
		}

	}

	/** Tells every observer, one failing not stopping the others. */
	private record CompositeObserver(List<ProcessorObserver> observers) implements ProcessorObserver {

		@Override
		public void handled(String processor, StoredEvent event, long nanos) {
			for (ProcessorObserver observer : this.observers) {
				observer.handled(processor, event, nanos);
			}
		}

		@Override
		public void handlerFailed(String processor, StoredEvent event, int attempt, Throwable failure) {
			for (ProcessorObserver observer : this.observers) {
				observer.handlerFailed(processor, event, attempt, failure);
			}
		}

		@Override
		public void parked(String processor, ParkedEvent event) {
			for (ProcessorObserver observer : this.observers) {
				observer.parked(processor, event);
			}
		}

		@Override
		public void discarded(String processor, ParkedEvent event) {
			for (ProcessorObserver observer : this.observers) {
				observer.discarded(processor, event);
			}
		}

	}

}
