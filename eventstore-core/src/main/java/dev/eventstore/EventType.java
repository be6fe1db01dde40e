package dev.eventstore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event type under which a payload class is stored; without it the class's
 * simple name is used. Keep the name stable once events of it are stored: it is what the
 * journal records.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

	/** The stored event type name, not blank. */
	String value();

}
