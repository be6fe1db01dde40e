package dev.eventstore.personal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.Sha256;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encrypts personal data for a store and forgets it on request (crypto-shredding). Each
 * data subject gets a random 256-bit data key on its first event, kept in a
 * {@link SubjectKeyStore} wrapped (AES-256-GCM) under the application's master key, which
 * is never written anywhere. Each {@link dev.eventstore.types.PersonalData} value is
 * stored as an envelope in place of the value: {@code "pd1:"} and the base64 of a random
 * 96-bit IV and the AES-256-GCM ciphertext of the value's JSON, with the event's id and
 * the field's name as associated data (an envelope moved to another event or field does
 * not decrypt). Reads decrypt transparently; once the subject is erased they give the
 * field's replacement. Subjects are named in the key store by a keyed hash of their id
 * ({@link #subjectReference}), never by the id.
 *
 * <p>
 * A wrong master key is refused at once: the key store keeps a check value the master key
 * must decrypt. Unwrapped keys are cached (at most 10,000, about 1 KB each with its
 * cipher); a subject's key is loaded, made and erased under that subject's lock, so no
 * read after an erasure returns finds the key, while reads of cached keys take no lock.
 * Every erasure moves {@link #erasures()} on, which is how the store knows that a value
 * it decrypted before may no longer be served. Thread-safe.
 *
 * @since 0.2.0
 */
public final class PersonalDataProtection {

	/** The prefix of an encrypted value in stored JSON. */
	public static final String ENVELOPE_PREFIX = "pd1:";

	private static final byte[] ERASURE_EVENT_ID = "eventstore erasure event id\0".getBytes(StandardCharsets.US_ASCII);

	private final SubjectKeys keys;

	private final EnvelopeReader reader;

	/**
	 * The serializers personal values are sealed in one pass with, by the serializer the
	 * store was given (rarely more than two: the store's and a snapshot's).
	 */
	private final Map<JacksonEventSerializer, JacksonEventSerializer> sealers = new ConcurrentHashMap<>();

	private PersonalDataProtection(byte[] masterKey, SubjectKeyStore keys) {
		this.keys = new SubjectKeys(masterKey, keys);
		this.reader = new EnvelopeReader(this.keys);
	}

	/**
	 * Protection under a master key, its subjects' keys in a store.
	 * @param masterKey 32 bytes (AES-256); copied, not kept by reference
	 * @param keys where the subjects' keys are kept
	 * @return the protection
	 * @throws IllegalArgumentException if the master key is not 32 bytes, or is not the
	 * one the key store was first used with
	 */
	public static PersonalDataProtection of(byte[] masterKey, SubjectKeyStore keys) {
		if (masterKey == null || masterKey.length != 32) {
			throw new IllegalArgumentException("The personal-data master key must be 32 bytes (AES-256), was "
					+ ((masterKey != null) ? masterKey.length : 0) + " bytes");
		}
		if (keys == null) {
			throw new IllegalArgumentException("The personal-data key store must not be null");
		}
		return new PersonalDataProtection(masterKey.clone(), keys);
	}

	/**
	 * Protection under a master key given as base64 (a property, say).
	 * @param base64MasterKey the base64 of 32 bytes
	 * @param keys where the subjects' keys are kept
	 * @return the protection
	 * @throws IllegalArgumentException if it is not base64 of 32 bytes (the message never
	 * holds the key), or is not the key store's master key
	 */
	public static PersonalDataProtection of(String base64MasterKey, SubjectKeyStore keys) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode((base64MasterKey != null) ? base64MasterKey.strip() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The personal-data master key is not base64 (of 32 bytes)");
		}
		return of(key, keys);
	}

	/**
	 * A keyed hash of a subject's id: how the key store and the
	 * {@link PersonalDataErased} event name the subject, so that neither reveals the id.
	 * The same id gives the same reference under the same master key.
	 * @param subjectId the subject's id
	 * @return 64 hex digits
	 */
	public String subjectReference(String subjectId) {
		return this.keys.reference(subjectId);
	}

	/**
	 * Forgets what this instance holds of a subject another instance erased: its cached
	 * key, and every value decrypted before now is decrypted again when next read. A
	 * store whose key store is {@link SubjectKeyStore#shared() shared} calls it for each
	 * {@link PersonalDataErased} event it reads, so that the erasure holds here from the
	 * moment its notice is read rather than once the cached key goes stale. Harmless for
	 * a subject this instance holds nothing of.
	 * @param subjectReference the subject's reference, as the notice names it
	 * @since 0.2.0
	 */
	public void forgetErased(String subjectReference) {
		this.keys.forgetErased(subjectReference);
	}

	/** The store of the subjects' keys. */
	public SubjectKeyStore keyStore() {
		return this.keys.store();
	}

	/**
	 * Destroys a subject's key, durably, so that its personal data reads as the
	 * replacements from now on, after restarts too. A subject with no key (unknown, or
	 * erased already) is left as it is.
	 * @param subjectId the subject's id
	 * @return whether a key was destroyed
	 */
	public boolean erase(String subjectId) {
		return this.keys.erase(subjectId);
	}

	/**
	 * The subjects erased whose {@link PersonalDataErased} event a crash kept from being
	 * appended (their keys destroyed now if the crash came first): the store appends
	 * their events when it opens. For the store.
	 * @return their references
	 */
	public List<String> pendingErasures() {
		return this.keys.pendingErasures();
	}

	/**
	 * The id a subject's pending erasure's {@link PersonalDataErased} event takes:
	 * derived from the key store's {@link SubjectKeyStore#erasureFingerprint fingerprint}
	 * of the key it destroyed, so that announcing the erasure again (after a crash that
	 * came between the event and the note's removal, or from a second instance) names the
	 * same event, and the journal does not store it twice. For the store.
	 * @param subjectReference the subject's reference
	 * @return the id, or null when the key store keeps no fingerprint for the erasure
	 */
	public @Nullable UUID erasureEventId(String subjectReference) {
		byte[] fingerprint = this.keys.store().erasureFingerprint(subjectReference);
		if (fingerprint == null) {
			return null;
		}
		byte[] digest = Sha256.of(ERASURE_EVENT_ID, fingerprint);
		// A version 8 (custom) UUID of the digest's first 128 bits.
		long high = (ByteBuffer.wrap(digest, 0, 8).getLong() & ~0xF000L) | 0x8000L;
		long low = (ByteBuffer.wrap(digest, 8, 8).getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low);
	}

	/**
	 * Records that a subject's erasure is announced: its {@link PersonalDataErased} event
	 * appended. For the store.
	 * @param subjectReference the subject's reference
	 */
	public void erasureAnnounced(String subjectReference) {
		this.keys.erasureAnnounced(subjectReference);
	}

	/**
	 * How many erasures this protection has seen: a value decrypted when this returned
	 * {@code n} may be served again while it still returns {@code n}, and must be
	 * decrypted again (or replaced) once it moved on. Read it before decrypting. With a
	 * {@link SubjectKeyStore#shared() shared} key store, an erasure by another instance
	 * is noticed within a second of loading the key, which bounds a served value's age
	 * too: see {@link #servable}.
	 * @return the erasures so far
	 */
	public long erasures() {
		return this.keys.erasures();
	}

	/**
	 * Whether a value decrypted when {@link #erasures()} returned {@code erasures}, at
	 * {@link System#nanoTime()} {@code decryptedAt}, may still be served.
	 * @param erasures what {@link #erasures()} returned before it was decrypted
	 * @param decryptedAt when it was decrypted
	 * @return whether no erasure since may concern it
	 */
	public boolean servable(long erasures, long decryptedAt) {
		return this.keys.servable(erasures, decryptedAt);
	}

	/**
	 * A payload's JSON with each personal value encrypted: for the store, at append.
	 * @param payload the payload
	 * @param fields its personal components
	 * @param eventId the event's id
	 * @param serializer writes the payload
	 * @return the JSON to store
	 * @throws IllegalArgumentException if a personal value has no subject id, or a
	 * personal component is not in the JSON
	 */
	public byte[] encrypt(Object payload, PersonalFields fields, UUID eventId, EventSerializer serializer) {
		if (serializer instanceof JacksonEventSerializer jackson) {
			byte[] sealed = sealInOnePass(payload, fields, eventId, jackson);
			if (sealed != null) {
				return sealed;
			}
		}
		ObjectNode tree = (ObjectNode) JsonData.TREES.readTree(serializer.serialize(payload));
		for (PersonalFields.Field field : fields.fields()) {
			JsonNode value = tree.get(field.json());
			if (value == null) {
				throw new IllegalArgumentException("The @PersonalData component '" + field.name() + "' of "
						+ fields.type().getName() + " is not in its JSON as '" + field.json()
						+ "': name it in the JSON as the record does");
			}
			if (value.isNull()) {
				continue;
			}
			String subject = field.subject(payload);
			byte[] plain = value.toString().getBytes(StandardCharsets.UTF_8);
			tree.put(field.json(), new String(envelope(subject, plain, Envelopes.aad(eventId, field.json())),
					StandardCharsets.US_ASCII));
		}
		return JsonData.TREES.writeValueAsBytes(tree);
	}

	/**
	 * Data built by hand (a map, or JSON) for a type whose class has personal components,
	 * with each personal value sealed as a payload's would be: under the key of the
	 * subject the data's subject component names. A value that is an envelope already
	 * (data copied from a stored event) is left as it is. For the store, at append:
	 * without it the values would be stored in plain text, and no erasure would reach
	 * them.
	 * @param json the data, UTF-8
	 * @param fields the type's class's personal components
	 * @param eventId the event's id
	 * @return the JSON to store: the same array when nothing needed sealing
	 * @throws IllegalArgumentException if a personal value's subject id is missing,
	 * empty, or neither text nor a whole number
	 */
	public byte[] encryptJson(byte[] json, PersonalFields fields, UUID eventId) {
		if (!(JsonData.TREES.readTree(json) instanceof ObjectNode tree)) {
			return json;
		}
		boolean sealed = false;
		for (PersonalFields.Field field : fields.fields()) {
			JsonNode value = tree.get(field.json());
			if (value == null || value.isNull()
					|| (value.isString() && value.stringValue().startsWith(ENVELOPE_PREFIX))) {
				continue;
			}
			JsonNode subject = tree.get(field.subjectJson());
			String id = (subject == null || subject.isNull()) ? null
					: subject.isString() ? subject.stringValue() : subject.isIntegralNumber() ? subject.toString() : "";
			if (id == null || id.isEmpty()) {
				throw new IllegalArgumentException("The personal value '" + field.json() + "' of an event of "
						+ fields.type().getName() + " built by hand has "
						+ ((id == null) ? "no subject id ('" + field.subjectJson() + "' is missing or null)"
								: "a subject id '" + field.subjectJson() + "' that is empty or neither text nor a "
										+ "whole number")
						+ ": personal data needs the id of the person it belongs to (one that can be erased)");
			}
			byte[] plain = value.toString().getBytes(StandardCharsets.UTF_8);
			tree.put(field.json(),
					new String(envelope(id, plain, Envelopes.aad(eventId, field.json())), StandardCharsets.US_ASCII));
			sealed = true;
		}
		return sealed ? JsonData.TREES.writeValueAsBytes(tree) : json;
	}

	/**
	 * The payload written by the serializer with its personal values sealed where they
	 * are written ({@link EnvelopeWriters}), or null when they were not all written
	 * through those writers (a serializer of the mapper's own for the class, say): the
	 * caller then seals them in the written tree.
	 */
	private byte @Nullable [] sealInOnePass(Object payload, PersonalFields fields, UUID eventId,
			JacksonEventSerializer jackson) {
		JacksonEventSerializer sealer = this.sealers.get(jackson);
		if (sealer == null) {
			if (this.sealers.size() >= 8) {
				this.sealers.clear();
			}
			sealer = jackson.withModule(new SimpleModule("eventstore-personal-data")
				.setSerializerModifier(new EnvelopeWriters(this, jackson)));
			this.sealers.put(jackson, sealer);
		}
		EnvelopeWriters.Sealing sealing = new EnvelopeWriters.Sealing(eventId);
		EnvelopeWriters.SEALING.set(sealing);
		byte[] json;
		try {
			json = sealer.serialize(payload);
		}
		catch (RuntimeException ex) {
			throw (sealing.failure != null) ? sealing.failure : ex;
		}
		finally {
			EnvelopeWriters.SEALING.remove();
		}
		return (sealing.visited == fields.fields().size()) ? json : null;
	}

	/**
	 * A personal value's envelope: its JSON sealed under its subject's key (made on the
	 * subject's first value), with the event's id and the field's name as associated
	 * data.
	 */
	byte[] envelope(String subject, byte[] json, byte[] aad) {
		return Envelopes.seal(sealingKey(subject), json, aad);
	}

	/**
	 * Runs the serialisation of one append's events so that a key store shared by several
	 * instances is asked about each subject's key once, not once an event (the store asks
	 * it before sealing, so that no append sealing after another instance's erasure uses
	 * the destroyed key). For the store.
	 * @param <T> what the work gives
	 * @param work the serialisation of a batch's events
	 * @return what it gives
	 */
	public <T> T sealingOnce(Supplier<T> work) {
		return this.keys.sealingOnce(work);
	}

	/**
	 * Runs the serialisation of one append's events sealing with the subjects' cached
	 * keys, unasked, for a journal that checks atomically with the append that the store
	 * still holds them ({@link dev.eventstore.Journal#checksSubjectKeys}); a subject
	 * whose key is not cached is looked up (or given one) as usual. For the store.
	 * @param work the serialisation of the append's events
	 * @return the keys the values were sealed under, for the journal to check
	 */
	public SubjectKeysUsed sealingChecked(Runnable work) {
		return this.keys.sealingChecked(work);
	}

	/** The key to seal a subject's values with: made on the subject's first value. */
	DataKey sealingKey(String subject) {
		return this.keys.findOrMake(subject);
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
	public ObjectNode decrypt(ObjectNode tree, PersonalFields fields, UUID eventId) {
		return this.reader.decrypt(tree, fields, eventId, Map.of());
	}

	/**
	 * Data upcasters made of stored data, with each personal value decrypted, or replaced
	 * when its subject was erased: each value is opened under the field it was stored in
	 * (its associated data names it), found by its envelope among the stored data's
	 * fields, so that an upcaster may rename a personal field. For the store, at read.
	 * @param tree the upcasters' tree, a tree of the caller's own: its values are
	 * replaced
	 * @param stored the stored JSON object it was made of, UTF-8; null: as
	 * {@link #decrypt(ObjectNode, PersonalFields, UUID)}
	 * @param fields the payload class's personal components
	 * @param eventId the event's id
	 * @return the tree, holding the values
	 * @throws IllegalArgumentException if a value does not decrypt (damaged, or moved
	 * from another event)
	 */
	public ObjectNode decrypt(ObjectNode tree, byte @Nullable [] stored, PersonalFields fields, UUID eventId) {
		return this.reader.decrypt(tree, fields, eventId, (stored != null) ? Envelopes.storedFields(stored) : Map.of());
	}

	/**
	 * Stored JSON with each personal value decrypted, or replaced when its subject was
	 * erased: the stored bytes with each envelope's bytes swapped for the value's JSON,
	 * the envelopes found by a scan of the bytes (no tree). For the store, at read.
	 * @param stored the stored JSON object, UTF-8; not changed
	 * @param fields the payload class's personal components
	 * @param eventId the event's id
	 * @return the JSON, holding the values
	 * @throws IllegalArgumentException if a value does not decrypt (damaged, or moved
	 * from another event)
	 */
	public byte[] decrypt(byte[] stored, PersonalFields fields, UUID eventId) {
		return this.reader.decrypt(stored, fields, eventId);
	}

	@Override
	public String toString() {
		// Never the master key.
		return "PersonalDataProtection[keys in " + this.keys.store().location() + "]";
	}

}
