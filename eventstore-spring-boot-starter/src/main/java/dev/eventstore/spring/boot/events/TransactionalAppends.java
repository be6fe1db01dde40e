package dev.eventstore.spring.boot.events;

import java.lang.reflect.Method;
import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.types.EventType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Publishes events appended inside the caller's Spring transaction, and not yet committed
 * (a PostgreSQL journal's appends join the transaction), on the appending thread, at
 * once: a {@code @TransactionalEventListener} then runs in its phase on the committing
 * thread, as Spring users expect, instead of never (the store would otherwise deliver
 * them from its poller thread after the commit, where no transaction is active, and
 * Spring would skip such listeners without a word). On rollback they are forgotten.
 *
 * <p>
 * Also warns, at start-up, of each {@code @TransactionalEventListener} of stored events
 * without {@code fallbackExecution}: Spring calls it only for events published inside a
 * transaction, so appends made outside one never reach it.
 *
 * @since 0.2.0
 */
public final class TransactionalAppends implements EventStoreObserver, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(TransactionalAppends.class);

	private final ObjectProvider<EventStore> store;

	private final ObjectProvider<ApplicationEventBridge> bridge;

	private final ListableBeanFactory beans;

	public TransactionalAppends(ObjectProvider<EventStore> store, ObjectProvider<ApplicationEventBridge> bridge,
			ListableBeanFactory beans) {
		this.store = store;
		this.bridge = bridge;
		this.beans = beans;
	}

	@Override
	public void appended(List<NewEvent> events, List<StoredEvent> stored, long nanos) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		ApplicationEventBridge publisher = this.bridge.getIfAvailable();
		EventStore appendedTo = this.store.getIfAvailable();
		if (publisher == null || appendedTo == null || !publisher.isRunning()
				|| appendedTo.lastPosition() >= stored.get(stored.size() - 1).position()) {
			// Committed already: delivered on this thread, inside the transaction, as
			// usual.
			return;
		}
		publisher.publishAhead(stored);
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCompletion(int status) {
				if (status != STATUS_COMMITTED) {
					publisher.forget(stored);
				}
			}

		});
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beans.getBeanDefinitionNames()) {
			Class<?> type = this.beans.getType(name, false);
			if (type == null) {
				continue;
			}
			ReflectionUtils.doWithMethods(ClassUtils.getUserClass(type), (method) -> warnIfSkipped(name, method),
					(method) -> AnnotatedElementUtils.hasAnnotation(method, TransactionalEventListener.class));
		}
	}

	private static void warnIfSkipped(String beanName, Method method) {
		TransactionalEventListener listener = AnnotatedElementUtils.findMergedAnnotation(method,
				TransactionalEventListener.class);
		if (listener == null || listener.fallbackExecution() || method.getParameterCount() != 1) {
			return;
		}
		Class<?> parameter = method.getParameterTypes()[0];
		boolean storedEvents = StoredApplicationEvent.class.isAssignableFrom(parameter)
				|| parameter == StoredEvent.class || AnnotatedElementUtils.hasAnnotation(parameter, EventType.class);
		if (storedEvents) {
			logger.warn("@TransactionalEventListener " + method.getDeclaringClass().getSimpleName() + "."
					+ method.getName() + " (bean '" + beanName + "') receives stored events only when they are "
					+ "appended inside a transaction; Spring skips it for appends made outside one. Set "
					+ "fallbackExecution = true to receive those too.");
		}
	}

}
