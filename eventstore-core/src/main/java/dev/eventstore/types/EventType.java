package dev.eventstore.types;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type under which a payload class is stored; without it the class's
 * simple name is used. Keep the name stable once events of it are stored: it is what the
 * journal records.
 *
 * @since 0.1.0 (in {@code dev.eventstore} until 0.2.0)
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

	/** The stored event type name, not blank. */
	String value();

	/**
	 * Older names events of this class were stored under, read back as this class too
	 * (after a rename). Appends always use {@link #value()}.
	 * @since 0.2.0
	 */
	String[] aliases() default {};

	/**
	 * The schema revision of this class's data: bump it when the shape changes, and
	 * register an {@link dev.eventstore.upcasting.Upcaster} from the previous revision.
	 * New events carry it; older ones are upcast on every read.
	 * @since 0.2.0
	 */
	int revision() default 1;

}
