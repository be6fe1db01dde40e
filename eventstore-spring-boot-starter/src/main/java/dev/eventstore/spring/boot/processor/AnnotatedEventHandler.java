package dev.eventstore.spring.boot.processor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.types.EventTypes;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Dispatches each event to the public method of an {@link EventProcessor} bean that takes
 * its payload's class, the most specific one when several do. Methods are found once,
 * when the bean is adopted; a method whose first parameter is no event class is left
 * alone. Calls go through the bean as the context holds it, so a {@code @Transactional}
 * method runs in its transaction.
 */
final class AnnotatedEventHandler implements EventHandler {

	private final Object bean;

	private final List<HandlerMethod> methods;

	private final @Nullable HandlerMethod storedEvents;

	private final @Nullable Method reset;

	private final Map<Class<?>, Optional<HandlerMethod>> byPayloadClass = new ConcurrentHashMap<>();

	private AnnotatedEventHandler(Object bean, List<HandlerMethod> methods, @Nullable HandlerMethod storedEvents,
			@Nullable Method reset) {
		this.bean = bean;
		this.methods = methods;
		this.storedEvents = storedEvents;
		this.reset = reset;
	}

	/**
	 * Finds the handler methods of a bean.
	 * @throws IllegalStateException if it has none, two for one class, or a reset method
	 * with other parameters
	 */
	static AnnotatedEventHandler of(String beanName, Object bean, EventTypes types) {
		Class<?> type = AopUtils.getTargetClass(bean);
		List<HandlerMethod> methods = new ArrayList<>();
		HandlerMethod storedEvents = null;
		Method reset = null;
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, AnnotatedEventHandler::candidate)) {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			if (method.isAnnotationPresent(ResetHandler.class)) {
				Class<?>[] parameters = method.getParameterTypes();
				if (reset != null || parameters.length > 1 || (parameters.length == 1 && parameters[0] != long.class)) {
					throw new IllegalStateException("Bean '" + beanName + "': " + method
							+ " cannot be its @ResetHandler: one method, taking nothing or the position (long)");
				}
				reset = invocable;
				continue;
			}
			HandlerMethod handler = HandlerMethod.of(method, invocable, types);
			if (handler == null) {
				continue;
			}
			if (handler.payloadType == StoredEvent.class) {
				if (storedEvents != null) {
					throw new IllegalStateException("Bean '" + beanName + "' has two methods taking every StoredEvent: "
							+ storedEvents.method + " and " + method);
				}
				storedEvents = handler;
				continue;
			}
			for (HandlerMethod other : methods) {
				if (other.payloadType == handler.payloadType) {
					throw new IllegalStateException("Bean '" + beanName + "' has two methods taking "
							+ handler.payloadType.getName() + ": " + other.method + " and " + method);
				}
			}
			methods.add(handler);
		}
		if (methods.isEmpty() && storedEvents == null) {
			throw new IllegalStateException("Bean '" + beanName + "' is an @EventProcessor but has no public method "
					+ "taking an event class (an @EventType class or a supertype of one) or a StoredEvent, "
					+ "and does not implement EventHandler");
		}
		return new AnnotatedEventHandler(bean, List.copyOf(methods), storedEvents, reset);
	}

	private static boolean candidate(Method method) {
		return Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
				&& !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class;
	}

	@Override
	public void handle(StoredEvent event, Delivery delivery) throws Exception {
		Object payload = event.isTyped() ? event.payload() : null;
		HandlerMethod method = (payload != null)
				? this.byPayloadClass.computeIfAbsent(payload.getClass(), this::mostSpecific).orElse(this.storedEvents)
				: this.storedEvents;
		if (method != null) {
			invoke(method.invocable, method.arguments(payload, event, delivery));
		}
	}

	@Override
	public void reset(long fromPosition) throws Exception {
		if (this.reset != null) {
			invoke(this.reset, (this.reset.getParameterCount() == 0) ? new Object[0] : new Object[] { fromPosition });
		}
	}

	private Optional<HandlerMethod> mostSpecific(Class<?> payloadClass) {
		HandlerMethod best = null;
		for (HandlerMethod method : this.methods) {
			if (method.payloadType.isAssignableFrom(payloadClass)
					&& (best == null || best.payloadType.isAssignableFrom(method.payloadType))) {
				best = method;
			}
		}
		return Optional.ofNullable(best);
	}

	private void invoke(Method method, Object[] arguments) throws Exception {
		ReflectionUtils.makeAccessible(method);
		try {
			method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return "AnnotatedEventHandler[" + AopUtils.getTargetClass(this.bean).getName() + "]";
	}

	/** One handler method: its payload type and where the event and delivery go. */
	private static final class HandlerMethod {

		final Method method;

		final Method invocable;

		final Class<?> payloadType;

		/** For each parameter: 'P' payload, 'E' stored event, 'D' delivery. */
		final char[] roles;

		private HandlerMethod(Method method, Method invocable, Class<?> payloadType, char[] roles) {
			this.method = method;
			this.invocable = invocable;
			this.payloadType = payloadType;
			this.roles = roles;
		}

		static @Nullable HandlerMethod of(Method method, Method invocable, EventTypes types) {
			Class<?>[] parameters = method.getParameterTypes();
			if (parameters.length == 0 || parameters.length > 3 || method.getReturnType() != void.class) {
				return null;
			}
			char[] roles = new char[parameters.length];
			Class<?> first = parameters[0];
			if (first == StoredEvent.class) {
				roles[0] = 'E';
			}
			else if (isEventClass(first, types)) {
				roles[0] = 'P';
			}
			else {
				return null;
			}
			for (int i = 1; i < parameters.length; i++) {
				char role = (parameters[i] == StoredEvent.class) ? 'E' : (parameters[i] == Delivery.class) ? 'D' : 0;
				for (int j = 0; j < i; j++) {
					if (roles[j] == role) {
						role = 0;
					}
				}
				if (role == 0) {
					return null;
				}
				roles[i] = role;
			}
			return new HandlerMethod(method, invocable, first, roles);
		}

		private static boolean isEventClass(Class<?> type, EventTypes types) {
			if (type == Object.class || type.isPrimitive()) {
				return false;
			}
			for (Class<?> registered : types.mappings().values()) {
				if (type.isAssignableFrom(registered)) {
					return true;
				}
			}
			return false;
		}

		Object[] arguments(@Nullable Object payload, StoredEvent event, Delivery delivery) {
			Object[] arguments = new Object[this.roles.length];
			for (int i = 0; i < this.roles.length; i++) {
				arguments[i] = switch (this.roles[i]) {
					case 'P' -> payload;
					case 'E' -> event;
					default -> delivery;
				};
			}
			return arguments;
		}

	}

}
