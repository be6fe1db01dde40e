package dev.eventstore.personal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.eventstore.internal.JsonData;
import dev.eventstore.serialization.EventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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
 * must decrypt. Unwrapped keys are cached (at most {@value #CACHED_KEYS}, least recently
 * used dropped, about 200 bytes each); an erasure removes the key from the cache and the
 * store under one lock, so no read after it returns finds the key. Thread-safe.
 *
 * @since 0.2.0
 */
public final class PersonalDataProtection {

	/** The prefix of an encrypted value in stored JSON. */
	public static final String ENVELOPE_PREFIX = "pd1:";

	/** Unwrapped data keys kept on the heap. */
	static final int CACHED_KEYS = 10_000;

	private static final int IV_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final byte[] CHECK_PLAINTEXT = new byte[32];

	private static final byte[] CHECK_AAD = "eventstore master key check".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom random = new SecureRandom();

	private static final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
		try {
			return Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM has no AES/GCM: " + ex, ex);
		}
	});

	private final SecretKeySpec masterKey;

	private final SecretKeySpec referenceKey;

	private final SubjectKeyStore keys;

	/**
	 * A MAC under the reference key for each thread: making one costs more than using it.
	 */
	private final ThreadLocal<Mac> references;

	/**
	 * Unwrapped data keys by subject id (so that a hit costs no hash of the id), least
	 * recently used first.
	 */
	private final Map<String, CachedKey> cache = new LinkedHashMap<>(256, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, CachedKey> eldest) {
			return size() > CACHED_KEYS;
		}
	};

	/**
	 * How long a key of a shared store ({@link SubjectKeyStore#shared()}) is used from
	 * the cache before the store is asked again whether it still exists: the bound on how
	 * long another instance reads a subject after this one erased it.
	 */
	static final long SHARED_KEY_NANOS = 1_000_000_000L;

	private record CachedKey(SecretKeySpec key, long loadedAt) {
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
		synchronized (this.cache) {
			this.cache.remove(subjectId);
			return this.keys.delete(subject);
		}
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
			SecretKeySpec key = key(subject, true);
			byte[] plain = value.toString().getBytes(StandardCharsets.UTF_8);
			tree.put(field.json(),
					ENVELOPE_PREFIX + Base64.getEncoder()
						.withoutPadding()
						.encodeToString(seal(key, plain, aad(eventId, field.json()))));
		}
		return JsonData.TREES.writeValueAsBytes(tree);
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
			SecretKeySpec key = (subject != null) ? key(subject, false) : null;
			if (key == null) {
				tree.set(field.json(), replacement(field));
				continue;
			}
			byte[] sealed;
			try {
				sealed = Base64.getDecoder().decode(value.stringValue().substring(ENVELOPE_PREFIX.length()));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"the encrypted value of '" + field.json() + "' is damaged (not base64)");
			}
			byte[] plain = open(key, sealed, aad(eventId, field.json()), field.json());
			tree.set(field.json(), JsonData.TREES.readTree(plain));
		}
		return tree;
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
	private @Nullable SecretKeySpec key(String subjectId, boolean create) {
		synchronized (this.cache) {
			CachedKey cached = this.cache.get(subjectId);
			if (cached != null && (!this.keys.shared() || System.nanoTime() - cached.loadedAt() < SHARED_KEY_NANOS)) {
				return cached.key();
			}
			String subject = subjectReference(subjectId);
			byte[] wrapped = this.keys.find(subject);
			if (wrapped == null) {
				// Erased, here or (for a shared store) by another instance.
				this.cache.remove(subjectId);
			}
			if (wrapped == null) {
				if (!create) {
					return null;
				}
				byte[] fresh = new byte[32];
				random.nextBytes(fresh);
				wrapped = this.keys.putIfAbsent(subject, seal(this.masterKey, fresh, wrapAad(subject)));
				Arrays.fill(fresh, (byte) 0);
			}
			byte[] raw;
			try {
				raw = open(this.masterKey, wrapped, wrapAad(subject), null);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("The key of a data subject in " + this.keys.location()
						+ " is damaged (it does not unwrap under the master key); subject reference " + subject);
			}
			SecretKeySpec key = new SecretKeySpec(raw, "AES");
			Arrays.fill(raw, (byte) 0);
			this.cache.put(subjectId, new CachedKey(key, System.nanoTime()));
			return key;
		}
	}

	private void checkMasterKey() {
		byte[] check = this.keys.checkValue();
		if (check == null) {
			this.keys.saveCheckValue(seal(this.masterKey, CHECK_PLAINTEXT, CHECK_AAD));
			return;
		}
		try {
			open(this.masterKey, check, CHECK_AAD, null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The personal-data master key is not the one the key store "
					+ this.keys.location() + " was first used with (its key check value does not match); "
					+ "refusing to start rather than read its keys as garbage");
		}
	}

	private static byte[] aad(UUID eventId, String field) {
		return (eventId + "/" + field).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] wrapAad(String subject) {
		return ("eventstore data key/" + subject).getBytes(StandardCharsets.US_ASCII);
	}

	/** IV followed by the ciphertext and tag. */
	private static byte[] seal(SecretKeySpec key, byte[] plain, byte[] aad) {
		byte[] iv = new byte[IV_BYTES];
		random.nextBytes(iv);
		try {
			Cipher cipher = ciphers.get();
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(aad);
			byte[] sealed = new byte[IV_BYTES + cipher.getOutputSize(plain.length)];
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
	private static byte[] open(SecretKeySpec key, byte[] sealed, byte[] aad, @Nullable String field) {
		if (sealed.length < IV_BYTES + TAG_BITS / 8) {
			throw new IllegalArgumentException(
					"the encrypted value" + ((field != null) ? " of '" + field + "'" : "") + " is damaged (too short)");
		}
		try {
			Cipher cipher = ciphers.get();
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
