package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.internal.JsonData;
import tools.jackson.databind.JsonNode;

/**
 * The envelope a personal value is stored as:
 * {@value PersonalDataProtection#ENVELOPE_PREFIX} and the unpadded base64 of the value's
 * JSON sealed with {@link AesGcm} under its subject's key, with the event's id and the
 * field's name as associated data, so that an envelope moved to another event or field
 * does not open.
 */
final class Envelopes {

	static final byte[] PREFIX = PersonalDataProtection.ENVELOPE_PREFIX.getBytes(StandardCharsets.US_ASCII);

	private Envelopes() {
	}

	/** A value's envelope, ASCII: nothing in it needs escaping in JSON. */
	static byte[] seal(DataKey key, byte[] json, byte[] aad) {
		byte[] base64 = Base64.getEncoder().withoutPadding().encode(key.seal(json, aad));
		byte[] envelope = new byte[PREFIX.length + base64.length];
		System.arraycopy(PREFIX, 0, envelope, 0, PREFIX.length);
		System.arraycopy(base64, 0, envelope, PREFIX.length, base64.length);
		return envelope;
	}

	static byte[] aad(UUID eventId, String field) {
		return aad(eventId.toString().getBytes(StandardCharsets.US_ASCII), aadSuffix(field));
	}

	/**
	 * The associated data of a value: the event's id and the field's name.
	 * @param eventId the id's text, ASCII
	 * @param suffix {@link #aadSuffix} of the field's name
	 */
	static byte[] aad(byte[] eventId, byte[] suffix) {
		byte[] aad = new byte[eventId.length + suffix.length];
		System.arraycopy(eventId, 0, aad, 0, eventId.length);
		System.arraycopy(suffix, 0, aad, eventId.length, suffix.length);
		return aad;
	}

	static byte[] aadSuffix(String field) {
		return ("/" + field).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Which field of stored data each envelope is in, by the envelope's text: for data
	 * that upcasters changed, whose values are still sealed under the fields they were
	 * stored in. A personal value is a top-level field of its payload; stored data that
	 * is not an object has none.
	 * @param stored the stored JSON, UTF-8
	 * @return the field of each envelope
	 */
	static Map<String, String> storedFields(byte[] stored) {
		JsonNode tree = JsonData.TREES.readTree(stored);
		Map<String, String> fields = new HashMap<>();
		for (Map.Entry<String, JsonNode> field : tree.properties()) {
			JsonNode value = field.getValue();
			if (value.isString() && value.stringValue().startsWith(PersonalDataProtection.ENVELOPE_PREFIX)) {
				fields.put(value.stringValue(), field.getKey());
			}
		}
		return fields;
	}

	/**
	 * The sealed bytes of an envelope's base64.
	 * @throws IllegalArgumentException naming the field if it is not base64
	 */
	static byte[] unbase64(byte[] base64, PersonalFields.Field field) {
		try {
			return Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the encrypted value of '" + field.json() + "' is damaged (not base64)");
		}
	}

}
