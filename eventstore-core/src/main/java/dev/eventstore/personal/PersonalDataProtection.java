package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.eventstore.internal.JsonData;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.serialization.JacksonEventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.JsonNodeFactory;
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
 * must decrypt. Unwrapped keys are cached (at most {@value #CACHED_KEYS}, about 200 bytes
 * each; when full, an arbitrary other one is dropped); a subject's key is loaded, made
 * and erased under that subject's lock (one of {@value #LOCKS} stripes), so no read after
 * an erasure returns finds the key, while reads of cached keys take no lock at all. Every
 * erasure moves {@link #erasures()} on, which is how the store knows that a value it
 * decrypted before may no longer be served. Thread-safe.
 *
 * @since 0.2.0
 */
public final class PersonalDataProtection {

	/** The prefix of an encrypted value in stored JSON. */
	public static final String ENVELOPE_PREFIX = "pd1:";

	private static final byte[] PREFIX_BYTES = ENVELOPE_PREFIX.getBytes(StandardCharsets.US_ASCII);

	/**
	 * Finds envelopes in stored data: the store's factory (whose parsers give byte
	 * offsets), without a mapper's context, as the pass binds nothing.
	 */
	private static final TokenStreamFactory PARSERS = JsonData.TREES.tokenStreamFactory();

	/** Unwrapped data keys kept on the heap. */
	static final int CACHED_KEYS = 10_000;

	/** Lock stripes subjects' keys are loaded, made and erased under. */
	static final int LOCKS = 64;

	private static final int IV_BYTES = Ivs.IV_BYTES;

	private static final int TAG_BITS = 128;

	private static final byte[] CHECK_PLAINTEXT = new byte[32];

	private static final byte[] CHECK_AAD = "eventstore master key check".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom random = new SecureRandom();

	/**
	 * A cipher for each thread: for the master key (used seldom), and for a data key
	 * whose own cipher another thread is using.
	 */
	private static final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(PersonalDataProtection::newCipher);

	private final SecretKeySpec masterKey;

	private final SecretKeySpec referenceKey;

	private final SubjectKeyStore keys;

	/**
	 * A MAC under the reference key for each thread: making one costs more than using it.
	 */
	private final ThreadLocal<Mac> references;

	/**
	 * Unwrapped data keys by subject id (so that a hit costs no hash of the id): read
	 * without a lock, changed under the subject's stripe of {@link #locks}.
	 */
	private final ConcurrentHashMap<String, CachedKey> cache = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[LOCKS];

	/** Erasures so far, here or (for a shared store) noticed from another instance. */
	private final AtomicLong erasures = new AtomicLong();

	/**
	 * The serializers personal values are sealed in one pass with, by the serializer the
	 * store was given (rarely more than two: the store's and a snapshot's).
	 */
	private final Map<JacksonEventSerializer, JacksonEventSerializer> sealers = new ConcurrentHashMap<>();

	/**
	 * How long a key of a shared store ({@link SubjectKeyStore#shared()}) is used from
	 * the cache before the store is asked again whether it still exists: the bound on how
	 * long another instance reads a subject after this one erased it.
	 */
	static final long SHARED_KEY_NANOS = 1_000_000_000L;

	/**
	 * A subject's unwrapped key, when it was loaded, and a cipher kept initialised with
	 * it: initialising a cipher with another key expands that key again (about 0.7 µs for
	 * AES-256 on the JDK's cipher), so each key keeps one, lent to one thread at a time.
	 * A thread that finds it lent out uses its own cipher, expanding the key again,
	 * rather than making another (about 1 µs more). About 1.3 KB with its cipher
	 * (docs/performance.md).
	 */
	private static final class CachedKey {

		final SecretKeySpec key;

		final long loadedAt;

		private final AtomicReference<@Nullable Cipher> idle = new AtomicReference<>(newCipher());

		CachedKey(SecretKeySpec key, long loadedAt) {
			this.key = key;
			this.loadedAt = loadedAt;
		}

		byte[] seal(byte[] plain, byte[] aad) {
			Cipher cipher = this.idle.getAndSet(null);
			if (cipher == null) {
				return PersonalDataProtection.seal(ciphers.get(), this.key, plain, aad);
			}
			try {
				return PersonalDataProtection.seal(cipher, this.key, plain, aad);
			}
			finally {
				this.idle.setRelease(cipher);
			}
		}

		byte[] open(byte[] sealed, byte[] aad, String field) {
			Cipher cipher = this.idle.getAndSet(null);
			if (cipher == null) {
				return PersonalDataProtection.open(ciphers.get(), this.key, sealed, aad, field);
			}
			try {
				return PersonalDataProtection.open(cipher, this.key, sealed, aad, field);
			}
			finally {
				this.idle.setRelease(cipher);
			}
		}

	}

	private PersonalDataProtection(byte[] masterKey, SubjectKeyStore keys) {
		this.masterKey = new SecretKeySpec(masterKey, "AES");
		this.referenceKey = new SecretKeySpec(hmac(masterKey, "eventstore subject reference"), "HmacSHA256");
		this.references = ThreadLocal.withInitial(() -> {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(this.referenceKey);
				return mac;
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("This JVM has no HmacSHA256: " + ex, ex);
			}
		});
		this.keys = keys;
		for (int i = 0; i < LOCKS; i++) {
			this.locks[i] = new Object();
		}
		checkMasterKey();
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
		return HexFormat.of().formatHex(this.references.get().doFinal(subjectId.getBytes(StandardCharsets.UTF_8)));
	}

	/** The store of the subjects' keys. */
	public SubjectKeyStore keyStore() {
		return this.keys;
	}

	/**
	 * Destroys a subject's key, durably, so that its personal data reads as the
	 * replacements from now on, after restarts too. A subject with no key (unknown, or
	 * erased already) is left as it is.
	 * @param subjectId the subject's id
	 * @return whether a key was destroyed
	 */
	public boolean erase(String subjectId) {
		String subject = subjectReference(subjectId);
		synchronized (lock(subjectId)) {
			this.cache.remove(subjectId);
			try {
				return this.keys.delete(subject);
			}
			finally {
				// After the key is gone, so that a value decrypted before it counts as
				// decrypted before this erasure: see erasures().
				this.erasures.incrementAndGet();
			}
		}
	}

	/**
	 * How many erasures this protection has seen: a value decrypted when this returned
	 * {@code n} may be served again while it still returns {@code n}, and must be
	 * decrypted again (or replaced) once it moved on. Read it before decrypting. With a
	 * {@link SubjectKeyStore#shared() shared} key store, an erasure by another instance
	 * is noticed within {@value #SHARED_KEY_NANOS} ns of loading the key, which bounds a
	 * served value's age too: see {@link #servable}.
	 * @return the erasures so far
	 */
	public long erasures() {
		return this.erasures.get();
	}

	/**
	 * Whether a value decrypted when {@link #erasures()} returned {@code erasures}, at
	 * {@link System#nanoTime()} {@code decryptedAt}, may still be served.
	 * @param erasures what {@link #erasures()} returned before it was decrypted
	 * @param decryptedAt when it was decrypted
	 * @return whether no erasure since may concern it
	 */
	public boolean servable(long erasures, long decryptedAt) {
		return erasures == this.erasures.get()
				&& (!this.keys.shared() || System.nanoTime() - decryptedAt < SHARED_KEY_NANOS);
	}

	private Object lock(String subjectId) {
		return this.locks[(subjectId.hashCode() & 0x7fffffff) % LOCKS];
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
			if (subject == null) {
				throw new IllegalArgumentException("The @PersonalData component '" + field.name() + "' of "
						+ fields.type().getName() + " has a value but its subject '" + field.subjectName()
						+ "' is null: personal data needs the id of the person it belongs to");
			}
			byte[] plain = value.toString().getBytes(StandardCharsets.UTF_8);
			tree.put(field.json(),
					new String(envelope(subject, plain, aad(eventId, field.json())), StandardCharsets.US_ASCII));
		}
		return JsonData.TREES.writeValueAsBytes(tree);
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
		CachedKey key = Objects.requireNonNull(key(subject, true));
		byte[] base64 = Base64.getEncoder().withoutPadding().encode(key.seal(json, aad));
		byte[] envelope = new byte[PREFIX_BYTES.length + base64.length];
		System.arraycopy(PREFIX_BYTES, 0, envelope, 0, PREFIX_BYTES.length);
		System.arraycopy(base64, 0, envelope, PREFIX_BYTES.length, base64.length);
		return envelope;
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
		for (PersonalFields.Field field : fields.fields()) {
			JsonNode value = tree.get(field.json());
			if (value == null || !value.isString() || !value.stringValue().startsWith(ENVELOPE_PREFIX)) {
				continue;
			}
			JsonNode subjectNode = tree.get(field.subjectJson());
			String subject = (subjectNode != null && !subjectNode.isNull())
					? (subjectNode.isString() ? subjectNode.stringValue() : subjectNode.toString()) : null;
			CachedKey key = (subject != null) ? key(subject, false) : null;
			if (key == null) {
				tree.set(field.json(), replacement(field));
				continue;
			}
			byte[] sealed = unbase64(value.stringValue(), field);
			byte[] plain = key.open(sealed, aad(eventId, field.json()), field.json());
			tree.set(field.json(), JsonData.TREES.readTree(plain));
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
	public byte[] decrypt(byte[] stored, PersonalFields fields, UUID eventId) {
		List<PersonalFields.Field> personal = fields.fields();
		// At most a few personal fields: arrays beat maps. An envelope is found by its
		// offsets (its opening quote, its closing quote + 1), never made a String.
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
								: JsonData.TREES.readTree(parser).toString();
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
									decrypt((ObjectNode) JsonData.TREES.readTree(stored), fields, eventId));
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

	private static final int NOT_AN_ENVELOPE = -1;

	private static final int ESCAPED = -2;

	/**
	 * Where the string starting at an offset (its opening quote) ends, just past its
	 * closing quote, when it is an envelope as the store writes them (the prefix and
	 * base64, nothing escaped); {@link #NOT_AN_ENVELOPE} when it does not start with the
	 * prefix, {@link #ESCAPED} when it does but holds an escape.
	 */
	private static int envelopeEnd(byte[] json, int start) {
		if (start < 0 || start + 1 + PREFIX_BYTES.length > json.length || json[start] != '"') {
			return ESCAPED;
		}
		for (int i = 0; i < PREFIX_BYTES.length; i++) {
			if (json[start + 1 + i] != PREFIX_BYTES[i]) {
				return (json[start + 1 + i] == '\\') ? ESCAPED : NOT_AN_ENVELOPE;
			}
		}
		for (int i = start + 1 + PREFIX_BYTES.length; i < json.length; i++) {
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
		int length = stored.length;
		for (int i = 0; i < values.length; i++) {
			if (ends[i] == 0) {
				continue;
			}
			PersonalFields.Field field = personal.get(i);
			CachedKey key = (subjects[i] != null) ? key(subjects[i], false) : null;
			if (key != null) {
				byte[] sealed = unbase64(Arrays.copyOfRange(stored, starts[i] + 1 + PREFIX_BYTES.length, ends[i] - 1),
						field);
				id = (id != null) ? id : eventId.toString().getBytes(StandardCharsets.US_ASCII);
				values[i] = key.open(sealed, aad(id, aadSuffix(field.json())), field.json());
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

	private static byte[] unbase64(byte[] base64, PersonalFields.Field field) {
		try {
			return Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the encrypted value of '" + field.json() + "' is damaged (not base64)");
		}
	}

	private static byte[] unbase64(String envelope, PersonalFields.Field field) {
		try {
			return Base64.getDecoder().decode(envelope.substring(ENVELOPE_PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the encrypted value of '" + field.json() + "' is damaged (not base64)");
		}
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

	/** A subject's data key: cached, or unwrapped from the store, or made when asked. */
	private @Nullable CachedKey key(String subjectId, boolean create) {
		CachedKey hit = this.cache.get(subjectId);
		if (hit != null && fresh(hit)) {
			return hit;
		}
		synchronized (lock(subjectId)) {
			CachedKey cached = this.cache.get(subjectId);
			if (cached != null && fresh(cached)) {
				return cached;
			}
			String subject = subjectReference(subjectId);
			byte[] wrapped = this.keys.find(subject);
			if (wrapped == null && cached != null) {
				// Erased by another instance (a shared store): values decrypted with the
				// key before are not served from now on.
				this.cache.remove(subjectId);
				this.erasures.incrementAndGet();
			}
			if (wrapped == null) {
				if (!create) {
					return null;
				}
				byte[] fresh = new byte[32];
				random.nextBytes(fresh);
				wrapped = this.keys.putIfAbsent(subject, seal(ciphers.get(), this.masterKey, fresh, wrapAad(subject)));
				Arrays.fill(fresh, (byte) 0);
			}
			byte[] raw;
			try {
				raw = open(ciphers.get(), this.masterKey, wrapped, wrapAad(subject), null);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("The key of a data subject in " + this.keys.location()
						+ " is damaged (it does not unwrap under the master key); subject reference " + subject);
			}
			CachedKey key = new CachedKey(new SecretKeySpec(raw, "AES"), System.nanoTime());
			Arrays.fill(raw, (byte) 0);
			if (this.cache.size() >= CACHED_KEYS) {
				dropOneOtherThan(subjectId);
			}
			this.cache.put(subjectId, key);
			return key;
		}
	}

	private boolean fresh(CachedKey cached) {
		return !this.keys.shared() || System.nanoTime() - cached.loadedAt < SHARED_KEY_NANOS;
	}

	/**
	 * Makes room in a full cache. Dropping a key is always safe (it is loaded again when
	 * needed), so which one goes need not be exact: the first the map's order gives.
	 */
	private void dropOneOtherThan(String subjectId) {
		for (String cached : this.cache.keySet()) {
			if (!cached.equals(subjectId)) {
				this.cache.remove(cached);
				return;
			}
		}
	}

	private void checkMasterKey() {
		byte[] check = this.keys.checkValue();
		if (check == null) {
			this.keys.saveCheckValue(seal(ciphers.get(), this.masterKey, CHECK_PLAINTEXT, CHECK_AAD));
			return;
		}
		try {
			open(ciphers.get(), this.masterKey, check, CHECK_AAD, null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The personal-data master key is not the one the key store "
					+ this.keys.location() + " was first used with (its key check value does not match); "
					+ "refusing to start rather than read its keys as garbage");
		}
	}

	private static byte[] aad(UUID eventId, String field) {
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

	private static byte[] wrapAad(String subject) {
		return ("eventstore data key/" + subject).getBytes(StandardCharsets.US_ASCII);
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM has no AES/GCM: " + ex, ex);
		}
	}

	/** IV followed by the ciphertext and tag. */
	private static byte[] seal(Cipher cipher, SecretKeySpec key, byte[] plain, byte[] aad) {
		byte[] iv = new byte[IV_BYTES];
		Ivs.next(iv);
		try {
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(aad);
			byte[] sealed = new byte[IV_BYTES + plain.length + TAG_BITS / 8];
			System.arraycopy(iv, 0, sealed, 0, IV_BYTES);
			cipher.doFinal(plain, 0, plain.length, sealed, IV_BYTES);
			return sealed;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM failed: " + ex, ex);
		}
	}

	/**
	 * Decrypts what {@link #seal} made.
	 * @throws IllegalArgumentException if it does not decrypt: damaged, or another key
	 */
	private static byte[] open(Cipher cipher, SecretKeySpec key, byte[] sealed, byte[] aad, @Nullable String field) {
		if (sealed.length < IV_BYTES + TAG_BITS / 8) {
			throw new IllegalArgumentException(
					"the encrypted value" + ((field != null) ? " of '" + field + "'" : "") + " is damaged (too short)");
		}
		try {
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
			cipher.updateAAD(aad);
			return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new IllegalArgumentException("the encrypted value" + ((field != null) ? " of '" + field + "'" : "")
					+ " is damaged or belongs to another event (its authentication tag does not match)");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM failed: " + ex, ex);
		}
	}

	private static byte[] hmac(byte[] key, String label) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM has no HmacSHA256: " + ex, ex);
		}
	}

	@Override
	public String toString() {
		// Never the master key.
		return "PersonalDataProtection[keys in " + this.keys.location() + "]";
	}

}
