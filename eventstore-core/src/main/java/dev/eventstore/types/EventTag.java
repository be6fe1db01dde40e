package dev.eventstore.types;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tags events built from a record with the value of this component:
 * {@code NewEvent.of(payload)} adds the tag {@code "<key>:<value>"}, the key being
 * {@link #value()} or else the component's name, for a scalar value or for each element
 * of a collection or array; a null value adds nothing. Queries and append conditions
 * select events by their tags across streams ({@link dev.eventstore.EventQuery}).
 *
 * <pre>{@code
 * record ItemReserved(@EventTag("sku") String sku, int units) {}   // tagged "sku:gold-1"
 * }</pre>
 *
 * @since 0.2.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface EventTag {

	/** The tag's key; the component's name when empty. */
	String value() default "";

}
