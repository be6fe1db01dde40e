package dev.eventstore.types;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component as personal data of a data subject, whose id is the value of
 * another component of the same record: the value is stored encrypted under that
 * subject's own key, and once the subject is erased
 * ({@link dev.eventstore.EventStore#erasePersonalData(String)}) every read gives the
 * {@link #replacement()} instead, while the stored events stay byte for byte as they were
 * (crypto-shredding). A store needs a
 * {@link dev.eventstore.personal.PersonalDataProtection} to append such events; without
 * one it refuses those holding a personal value rather than store it in plain text.
 *
 * <pre>{@code
 * record TransferMade(String payerId, @PersonalData(subject = "payerId") String payerName,
 *         String payeeId, @PersonalData(subject = "payeeId", replacement = "[erased]") String payeeName,
 *         long cents) {}
 * }</pre>
 *
 * <p>
 * Only components of the event's own record: a nested record or a collection of records
 * carrying it is refused when the class is first used, and so is a component that is also
 * an {@link EventTag} (a tag is stored in plain text) or a subject.
 *
 * @since 0.2.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface PersonalData {

	/** The name of the component of the same record holding the subject's id. */
	String subject();

	/**
	 * What the component reads as once the subject is erased: this text for a text
	 * component; for other types, the value this parses to as JSON ({@code 0},
	 * {@code false}, {@code "…"}), or null when it does not. Empty (the default): null.
	 */
	String replacement() default "";

}
