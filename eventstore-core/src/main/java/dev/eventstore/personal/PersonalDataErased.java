package dev.eventstore.personal;

import java.time.Instant;

import dev.eventstore.types.EventType;

/**
 * Appended by {@link dev.eventstore.EventStore#erasePersonalData(String)} once a
 * subject's key is destroyed, to stream {@value #STREAM}: holds no personal data, only
 * the subject's reference (a keyed hash of its id,
 * {@link PersonalDataProtection#subjectReference}) and the time. A processor that copied
 * personal data elsewhere (a receipt, a search index) handles it to erase its copies.
 *
 * @param subject the subject's reference, 64 hex digits
 * @param erasedAt when the key was destroyed
 * @since 0.2.0
 */
@EventType(PersonalDataErased.TYPE)
public record PersonalDataErased(String subject, Instant erasedAt) {

	/** The event's type name. */
	public static final String TYPE = "PersonalDataErased";

	/** The stream erasures are recorded in. */
	public static final String STREAM = "personal-data-erasures";

}
