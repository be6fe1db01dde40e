package dev.eventstore.spring.boot.autoconfigure.actuate;

import dev.eventstore.spring.boot.actuate.EventProcessorsCommandGuard;
import dev.eventstore.spring.boot.actuate.EventProcessorsEndpoint;
import jakarta.servlet.Filter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Guards the {@code eventprocessors} endpoint's commands against cross-site requests
 * ({@link EventProcessorsCommandGuard}) on the server that serves the actuator: the
 * application's own, or the management server when it has a port of its own.
 *
 * @since 0.2.0
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, FilterRegistrationBean.class, PathMappedEndpoints.class })
@ConditionalOnAvailableEndpoint(EventProcessorsEndpoint.class)
public final class EventProcessorsEndpointManagementContextConfiguration {

	private static final EndpointId ID = EndpointId.of("eventprocessors");

	@Bean
	FilterRegistrationBean<EventProcessorsCommandGuard> eventProcessorsCommandGuard(
			ObjectProvider<PathMappedEndpoints> endpoints) {
		EventProcessorsCommandGuard guard = new EventProcessorsCommandGuard(() -> {
			PathMappedEndpoints mapped = endpoints.getIfAvailable();
			return (mapped != null) ? mapped.getPath(ID) : null;
		});
		FilterRegistrationBean<EventProcessorsCommandGuard> registration = new FilterRegistrationBean<>(guard);
		// Before security and the rest: a refused command reaches nothing.
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

}
