package dev.eventstore;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import dev.eventstore.internal.RecordValues;
import dev.eventstore.personal.PersonalFields;
import org.jspecify.annotations.Nullable;

/**
 * Retries of appends holding personal data. A retry (the same events, ids and all) is
 * sealed again with fresh random IVs, so its stored form differs from the first try's,
 * and the journal, which compares stored forms, takes it for other events under the same
 * ids. Where an event of the stream with the id reads as the same payload, the retry
 * takes the stored form, and the journal then answers it as the retry it is (or with the
 * conflict it has for other reasons: another expected version, a batch stored in part).
 */
final class PersonalDataRetries {

	/** Stream events read at a time, from the end back, looking for the ids. */
	private static final int PAGE = 256;

	private PersonalDataRetries() {
	}

	/**
	 * The batch with each event whose id is stored in the stream with the same type,
	 * metadata and payload (decrypted) in its stored form; null when there is none, and
	 * the journal's conflict stands.
	 * @param journal the store's journal, reading typed events
	 * @param streamId the append's stream
	 * @param events the append's events as given
	 * @param batch the same events serialised, in the same order
	 * @param protecting the store's serializer
	 */
	static @Nullable List<NewEvent> asStored(Journal journal, String streamId, List<NewEvent> events,
			List<NewEvent> batch, ProtectingSerializer protecting) {
		Map<UUID, Object> expected = new HashMap<>();
		for (NewEvent event : events) {
			Class<?> type = protecting.personalClassOf(event);
			if (type != null) {
				Object payload = event.payload();
				try {
					expected.put(event.id(),
							(payload != null) ? payload : protecting.deserialize(event.body().bytes(), type));
				}
				catch (RuntimeException ex) {
					// Data built by hand that does not read as its class: compared as it
					// is.
				}
			}
		}
		if (expected.isEmpty()) {
			return null;
		}
		Map<UUID, StoredEvent> found = new HashMap<>();
		// From the end back: a retry follows its first try closely.
		for (long to = journal.streamVersion(streamId); to >= 1 && found.size() < expected.size(); to -= PAGE) {
			long from = Math.max(1, to - PAGE + 1);
			for (StoredEvent event : journal.readStream(streamId, from, (int) (to - from + 1))) {
				if (expected.containsKey(event.id())) {
					found.put(event.id(), event);
				}
			}
		}
		List<NewEvent> asStored = new ArrayList<>(batch.size());
		boolean any = false;
		for (NewEvent event : batch) {
			StoredEvent stored = found.get(event.id());
			if (stored != null && sameEvent(stored, event, expected.get(event.id()))) {
				asStored.add(NewEvent.ofJson(stored.type(), stored.dataJson(), stored.metadata())
					.withId(stored.id())
					.withRevision(event.revision())
					.withTags(event.tags().toArray(new String[0])));
				any = true;
			}
			else {
				asStored.add(event);
			}
		}
		return any ? asStored : null;
	}

	private static boolean sameEvent(StoredEvent stored, NewEvent event, Object payload) {
		if (!stored.type().equals(event.type()) || !stored.metadata().equals(event.metadata())) {
			return false;
		}
		try {
			Object storedPayload = stored.payload(payload.getClass());
			return payload.equals(storedPayload) || sameButErased(payload, storedPayload);
		}
		catch (RuntimeException ex) {
			// Unreadable as the class (or no longer readable): not this event's first
			// try.
			return false;
		}
	}

	/**
	 * Whether a retry's payload is the stored one's but for personal values erased since
	 * the first try, which read as their replacements: the retry is answered as the retry
	 * it is, and its values are not stored again after the erasure.
	 */
	private static boolean sameButErased(Object retry, Object stored) {
		Class<?> type = retry.getClass();
		PersonalFields fields = PersonalFields.of(type);
		if (!fields.any() || !type.isRecord() || stored.getClass() != type) {
			return false;
		}
		boolean erased = false;
		for (RecordComponent component : type.getRecordComponents()) {
			Object retried = RecordValues.of(component, retry);
			Object kept = RecordValues.of(component, stored);
			if (Objects.equals(retried, kept)) {
				continue;
			}
			PersonalFields.Field field = fields.fields()
				.stream()
				.filter((personal) -> personal.name().equals(component.getName()))
				.findFirst()
				.orElse(null);
			if (field == null || !readsAsReplacement(field, kept)) {
				return false;
			}
			erased = true;
		}
		return erased;
	}

	private static boolean readsAsReplacement(PersonalFields.Field field, @Nullable Object value) {
		if (field.replacement().isEmpty()) {
			return value == null;
		}
		return value != null && String.valueOf(value).equals(field.replacement());
	}

}
