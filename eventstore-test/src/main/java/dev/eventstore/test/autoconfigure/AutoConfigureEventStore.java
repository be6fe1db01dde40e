package dev.eventstore.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Auto-configures an in-memory {@link dev.eventstore.EventStore} for a test, whatever the
 * application's {@code eventstore.*} properties name: the application's event types,
 * upcasters and {@code JsonMapper}, the {@code @EventListener} bridge, and the
 * {@code @EventProcessor} processors with in-memory checkpoints. Use it on a
 * {@code @SpringBootTest} that should not touch the journal; {@link EventStoreTest} uses
 * it.
 *
 * @since 0.2.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureEventStore {

}
