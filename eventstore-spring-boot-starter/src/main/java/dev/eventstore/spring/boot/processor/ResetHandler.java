package dev.eventstore.spring.boot.processor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the public method of an {@link EventProcessor @EventProcessor} bean that an
 * operator's reset calls before events are delivered again: a read model clears what it
 * built. It takes no parameter, or the first position to be delivered again (a
 * {@code long}).
 *
 * @since 0.2.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ResetHandler {

}
