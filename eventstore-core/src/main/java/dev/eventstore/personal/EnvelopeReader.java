package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.internal.JsonData;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens the {@link Envelopes} in stored data: each personal value decrypted under its
 * subject's key, or given its field's replacement once the subject is erased (or has no
 * id). In stored JSON the envelopes' offsets are found by {@link EnvelopeOffsets} (or,
 * for what it gives up on, a parser's streaming pass) and their bytes swapped for the
 * values' JSON; a tree an upcaster made has its values set in place.
 */
final class EnvelopeReader {

	/**
	 * Finds envelopes in stored data: the store's factory (whose parsers give byte
	 * offsets), without a mapper's context, as the pass binds nothing.
	 */
	private static final TokenStreamFactory PARSERS = JsonData.TREES.tokenStreamFactory();

	/**
	 * Reads a subject id that is an object or an array (never written by the store:
	 * foreign data) as the tree path does, the parser's other members left to read.
	 */
	private static final ObjectReader STRUCTURES = JsonData.TREES.reader()
		.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

	private static final int NOT_AN_ENVELOPE = -1;

	private static final int ESCAPED = -2;

	private final SubjectKeys keys;

	EnvelopeReader(SubjectKeys keys) {
		this.keys = keys;
	}

	/**
	 * A value opened with its subject's key; null when a key an erasure destroyed sealed
	 * it. A value that the cached key does not open may be of a newer key a shared store
	 * holds (the subject came back after another instance erased it): the store is asked
	 * once for each such key id, not for every value.
	 */
	private byte @Nullable [] open(String subject, DataKey key, byte[] sealed, byte[] aad, PersonalFields.Field field) {
		byte[] plain = key.open(sealed, aad, field.json());
		if (plain != null || key.sealedUnderDestroyedKey(sealed)) {
			return plain;
		}
		DataKey newer = this.keys.newer(subject, key);
		if (newer == null) {
			key.keyDestroyed(sealed);
			return null;
		}
		plain = newer.open(sealed, aad, field.json());
		if (plain == null) {
			newer.keyDestroyed(sealed);
		}
		return plain;
	}

	/**
	 * Stored data with each personal value decrypted, or replaced when its subject was
	 * erased: for the store, at read.
	 * @param tree the stored data, a tree of the caller's own: its values are replaced
	 * @param fields the payload class's personal components
	 * @param eventId the event's id
	 * @return the tree, holding the values
	 * @throws IllegalArgumentException if a value does not decrypt (damaged, or moved
	 * from another event)
	 */
	ObjectNode decrypt(ObjectNode tree, PersonalFields fields, UUID eventId, Map<String, String> storedFields) {
		for (PersonalFields.Field field : fields.fields()) {
			JsonNode value = tree.get(field.json());
			if (value == null || !value.isString()
					|| !value.stringValue().startsWith(PersonalDataProtection.ENVELOPE_PREFIX)) {
				continue;
			}
			JsonNode subjectNode = tree.get(field.subjectJson());
			String subject = (subjectNode != null && !subjectNode.isNull())
					? (subjectNode.isString() ? subjectNode.stringValue() : subjectNode.toString()) : null;
			DataKey key = (subject != null) ? this.keys.find(subject) : null;
			if (key == null) {
				tree.set(field.json(), replacement(field));
				continue;
			}
			byte[] sealed = Envelopes.unbase64(
					value.stringValue().substring(Envelopes.PREFIX.length).getBytes(StandardCharsets.ISO_8859_1),
					field);
			// Sealed under the field it was stored in: an upcaster may have renamed it.
			byte[] aad = Envelopes.aad(eventId, storedFields.getOrDefault(value.stringValue(), field.json()));
			byte[] plain = open(subject, key, sealed, aad, field);
			tree.set(field.json(), (plain != null) ? JsonData.TREES.readTree(plain) : replacement(field));
		}
		return tree;
	}

	/**
	 * Stored JSON with each personal value decrypted, or replaced when its subject was
	 * erased: the stored bytes with each envelope's bytes swapped for the value's JSON,
	 * found in one streaming pass (no tree). For the store, at read.
	 * @param stored the stored JSON object, UTF-8; not changed
	 * @param fields the payload class's personal components
	 * @param eventId the event's id
	 * @return the JSON, holding the values
	 * @throws IllegalArgumentException if a value does not decrypt (damaged, or moved
	 * from another event)
	 */
	byte[] decrypt(byte[] stored, PersonalFields fields, UUID eventId) {
		List<PersonalFields.Field> personal = fields.fields();
		// At most a few personal fields: arrays beat maps. An envelope is found by its
		// offsets (its opening quote, its closing quote + 1), never made a String.
		String[] subjects = new String[personal.size()];
		int[] starts = new int[personal.size()];
		int[] ends = new int[personal.size()];
		int found = EnvelopeOffsets.find(stored, fields, subjects, starts, ends);
		if (found == 0) {
			return stored;
		}
		if (found > 0) {
			return splice(stored, personal, subjects, starts, ends, eventId);
		}
		return decryptParsing(stored, fields, eventId);
	}

	/**
	 * {@link #decrypt(byte[], PersonalFields, UUID)} with a parser finding the envelopes.
	 */
	private byte[] decryptParsing(byte[] stored, PersonalFields fields, UUID eventId) {
		List<PersonalFields.Field> personal = fields.fields();
		String[] subjects = new String[personal.size()];
		int[] starts = new int[personal.size()];
		int[] ends = new int[personal.size()];
		int found = 0;
		try (JsonParser parser = PARSERS.createParser(ObjectReadContext.empty(), stored)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalArgumentException("the stored data is not a JSON object");
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				boolean used = false;
				for (int i = 0; i < subjects.length; i++) {
					PersonalFields.Field field = personal.get(i);
					if (name.equals(field.subjectJson()) && value != JsonToken.VALUE_NULL) {
						subjects[i] = value.isScalarValue() ? parser.getString()
								: STRUCTURES.readTree(parser).toString();
						used = true;
					}
					if (name.equals(field.json()) && value == JsonToken.VALUE_STRING) {
						int start = (int) parser.currentTokenLocation().getByteOffset();
						int end = envelopeEnd(stored, start);
						if (end == NOT_AN_ENVELOPE) {
							continue;
						}
						if (end == ESCAPED) {
							// Written by hand with escapes: read in a tree instead.
							return JsonData.TREES.writeValueAsBytes(
									decrypt((ObjectNode) JsonData.TREES.readTree(stored), fields, eventId, Map.of()));
						}
						starts[i] = start;
						ends[i] = end;
						found++;
					}
				}
				if (!used) {
					parser.skipChildren();
				}
			}
		}
		if (found == 0) {
			return stored;
		}
		return splice(stored, personal, subjects, starts, ends, eventId);
	}

	/**
	 * Where the string starting at an offset (its opening quote) ends, just past its
	 * closing quote, when it is an envelope as the store writes them (the prefix and
	 * base64, nothing escaped); {@link #NOT_AN_ENVELOPE} when it does not start with the
	 * prefix, {@link #ESCAPED} when it does but holds an escape.
	 */
	private static int envelopeEnd(byte[] json, int start) {
		if (start < 0 || start + 1 + Envelopes.PREFIX.length > json.length || json[start] != '"') {
			return ESCAPED;
		}
		for (int i = 0; i < Envelopes.PREFIX.length; i++) {
			if (json[start + 1 + i] != Envelopes.PREFIX[i]) {
				return (json[start + 1 + i] == '\\') ? ESCAPED : NOT_AN_ENVELOPE;
			}
		}
		for (int i = start + 1 + Envelopes.PREFIX.length; i < json.length; i++) {
			if (json[i] == '"') {
				return i + 1;
			}
			if (json[i] == '\\') {
				return ESCAPED;
			}
		}
		return ESCAPED;
	}

	/** The stored JSON with each envelope found replaced by its value's JSON. */
	private byte[] splice(byte[] stored, List<PersonalFields.Field> personal, String[] subjects, int[] starts,
			int[] ends, UUID eventId) {
		byte[][] values = new byte[personal.size()][];
		byte[] id = null;
		String subject = null;
		DataKey key = null;
		int length = stored.length;
		for (int i = 0; i < values.length; i++) {
			if (ends[i] == 0) {
				continue;
			}
			PersonalFields.Field field = personal.get(i);
			// An event's values are mostly of one subject: its key is looked up once.
			if (subjects[i] != null && !subjects[i].equals(subject)) {
				subject = subjects[i];
				key = this.keys.find(subject);
			}
			if (subjects[i] != null && key != null) {
				byte[] sealed = Envelopes
					.unbase64(Arrays.copyOfRange(stored, starts[i] + 1 + Envelopes.PREFIX.length, ends[i] - 1), field);
				id = (id != null) ? id : eventId.toString().getBytes(StandardCharsets.US_ASCII);
				byte[] aad = Envelopes.aad(id, Envelopes.aadSuffix(field.json()));
				byte[] plain = open(subjects[i], key, sealed, aad, field);
				// Null: sealed under a key an erasure destroyed before the subject came
				// back.
				values[i] = (plain != null) ? plain : replacementJson(field);
			}
			else {
				values[i] = replacementJson(field);
			}
			length += values[i].length - (ends[i] - starts[i]);
		}
		byte[] json = new byte[length];
		int from = 0;
		int to = 0;
		// Envelopes in the order they are in the JSON.
		for (int next = nextEnvelope(starts, values, -1); next >= 0; next = nextEnvelope(starts, values,
				starts[next])) {
			int plain = starts[next] - from;
			System.arraycopy(stored, from, json, to, plain);
			to += plain;
			System.arraycopy(values[next], 0, json, to, values[next].length);
			to += values[next].length;
			from = ends[next];
		}
		System.arraycopy(stored, from, json, to, stored.length - from);
		return json;
	}

	private static int nextEnvelope(int[] starts, byte[][] values, int after) {
		int next = -1;
		for (int i = 0; i < starts.length; i++) {
			if (values[i] != null && starts[i] > after && (next < 0 || starts[i] < starts[next])) {
				next = i;
			}
		}
		return next;
	}

	private static byte[] replacementJson(PersonalFields.Field field) {
		return replacement(field).toString().getBytes(StandardCharsets.UTF_8);
	}

	private static JsonNode replacement(PersonalFields.Field field) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		if (field.replacement().isEmpty()) {
			return nodes.nullNode();
		}
		if (field.text()) {
			return nodes.stringNode(field.replacement());
		}
		try {
			return JsonData.TREES.readTree(field.replacement());
		}
		catch (JacksonException ex) {
			return nodes.nullNode();
		}
	}

}
