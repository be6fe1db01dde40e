package dev.eventstore.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTestContextBootstrapper;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for event-sourced code: only the event store's auto-configuration (an
 * in-memory store, see {@link AutoConfigureEventStore}), Jackson, and the application's
 * {@code @EventProcessor} beans; no web server, no database, no other component. Bring in
 * the code under test with {@code @Import}. Starts in well under a second.
 * <pre class="code">
 * &#64;EventStoreTest
 * &#64;Import(CartService.class)
 * class CartServiceTests {
 *     &#64;Autowired EventStore store;
 *     &#64;Autowired CartService carts;
 * }
 * </pre>
 *
 * @since 0.2.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(SpringBootTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(EventStoreTypeExcludeFilter.class)
@AutoConfigureEventStore
public @interface EventStoreTest {

	/** Whether the default filters (keeping {@code @EventProcessor} beans) apply. */
	boolean useDefaultFilters() default true;

	/** More components to keep in the slice. */
	ComponentScan.Filter[] includeFilters() default {};

	/** Components to leave out of the slice. */
	ComponentScan.Filter[] excludeFilters() default {};

}
