package dev.eventstore.spring.boot.events;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import dev.eventstore.types.EventTypes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.util.ErrorHandler;
import org.springframework.util.ReflectionUtils;

/**
 * Publishes every stored event through the {@link ApplicationEventPublisher} once it is
 * durable, in position order, once each, as a {@link StoredApplicationEvent} whose
 * payload is the class registered for its type ({@code @EventListener void
 * on(OrderPlaced event)} receives it, and {@code on(StoredApplicationEvent<OrderPlaced>)}
 * with its position and metadata) or, for a type with no class, the {@link StoredEvent}.
 * Publishing is synchronous: when an append returns, its listeners have run.
 *
 * <p>
 * Appends inside a Spring transaction: events the file journal stores are published on
 * the appending thread, inside the transaction, so a {@code @TransactionalEventListener}
 * runs in its phase (after the commit by default) on the committing thread. Events a
 * PostgreSQL journal appends in the caller's transaction (they commit or roll back with
 * it) are published the same way, at once, by {@link TransactionalAppends}, and not again
 * after the commit; after a rollback only {@code AFTER_ROLLBACK} listeners see them.
 *
 * <p>
 * A listener that throws does not fail the append and does not stop the other listeners:
 * on the context's own event multicaster the bridge installs an error handler that logs
 * and reports failures of listeners of its events, and rethrows all others as Spring
 * would. (An application that defines its own {@code applicationEventMulticaster} keeps
 * its own error handling.)
 *
 * @since 0.1.0
 */
public final class ApplicationEventBridge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ApplicationEventBridge.class);

	/** The event being published by this thread, if any. */
	private static final ThreadLocal<StoredEvent> publishing = new ThreadLocal<>();

	private final EventStore store;

	private final EventTypes types;

	private final ApplicationEventPublisher publisher;

	private final BiConsumer<StoredEvent, Throwable> failures;

	private volatile @Nullable Subscription subscription;

	/**
	 * Ids of events published ahead of their commit, inside the appender's transaction.
	 */
	private final Set<UUID> publishedAhead = ConcurrentHashMap.newKeySet();

	/**
	 * @param store the store whose events to publish
	 * @param types the store's event types: which class each type's payload is
	 * @param context the context to publish in
	 * @param failures told of every listener failure
	 */
	public ApplicationEventBridge(EventStore store, EventTypes types, ConfigurableApplicationContext context,
			BiConsumer<StoredEvent, Throwable> failures) {
		this.store = store;
		this.types = types;
		this.publisher = context;
		this.failures = failures;
		isolateListenerFailures(context);
	}

	private void isolateListenerFailures(ConfigurableApplicationContext context) {
		String name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME;
		if (context.getBeanFactory().containsBeanDefinition(name)) {
			logger.info("The application defines its own " + name + "; listener failures on stored events are "
					+ "handled by it");
			return;
		}
		if (context.getBeanFactory().containsSingleton(name)
				&& context.getBean(name) instanceof SimpleApplicationEventMulticaster multicaster) {
			multicaster.setErrorHandler(new IsolateStoredEventListeners());
		}
	}

	@Override
	public void start() {
		this.subscription = this.store.subscribe(this::publish);
	}

	@Override
	public void stop() {
		Subscription current = this.subscription;
		if (current != null) {
			current.close();
			this.subscription = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

	/** Starts before other lifecycle beans (a web server, say) and stops after them. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

	/**
	 * Publishes events now, on the appending thread, inside the transaction they were
	 * appended in and will commit with; their delivery after the commit is then skipped.
	 * Listeners so see them as Spring publishes in a transaction: an
	 * {@code @EventListener} at once, a {@code @TransactionalEventListener} in its phase.
	 * @param events the events, not yet committed
	 */
	void publishAhead(List<StoredEvent> events) {
		for (StoredEvent event : events) {
			this.publishedAhead.add(event.id());
			send(event);
		}
	}

	/**
	 * Forgets events published ahead whose transaction rolled back: they were never
	 * stored, and their positions go to other events.
	 * @param events the events
	 */
	void forget(List<StoredEvent> events) {
		events.forEach((event) -> this.publishedAhead.remove(event.id()));
	}

	void publish(StoredEvent event) {
		if (!this.publishedAhead.isEmpty() && this.publishedAhead.remove(event.id())) {
			return;
		}
		send(event);
	}

	private void send(StoredEvent event) {
		publishing.set(event);
		try {
			Class<?> payloadType = this.types.classFor(event.type()).orElse(null);
			Object payload = event;
			if (payloadType != null) {
				try {
					payload = event.payload(payloadType);
				}
				catch (IllegalArgumentException ex) {
					report(event, ex);
					return;
				}
			}
			this.publisher.publishEvent(new StoredApplicationEvent<>(this.store, event, payload,
					(payloadType != null) ? payloadType : StoredEvent.class));
		}
		finally {
			publishing.remove();
		}
	}

	private void report(StoredEvent event, Throwable thrown) {
		// What it says of the event's personal values stays out of the log.
		Throwable failure = event.redaction().apply(thrown);
		logger.warn(
				"Listener failed on stored event at position " + event.position() + " ('" + event.type()
						+ "' in stream '" + event.streamId() + "'); the append stands and other listeners still run",
				failure);
		this.failures.accept(event, thrown);
	}

	/**
	 * Handles failures of listeners while this thread publishes a stored event; rethrows
	 * all others unchanged.
	 */
	private final class IsolateStoredEventListeners implements ErrorHandler {

		@Override
		public void handleError(Throwable failure) {
			StoredEvent event = publishing.get();
			if (event == null || failure instanceof VirtualMachineError) {
				ReflectionUtils.rethrowRuntimeException(failure);
			}
			else {
				report(event, failure);
			}
		}

	}

}
