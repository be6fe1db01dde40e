package dev.eventstore;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.eventstore.internal.JsonData;
import dev.eventstore.internal.Texts;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.personal.Redaction;
import dev.eventstore.serialization.EventSerializer;
import dev.eventstore.types.EventTypes;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The store's serializer when it protects personal data: payloads of classes with
 * {@link dev.eventstore.types.PersonalData} components are written with those values
 * encrypted and read with them decrypted (or replaced, once erased), both under the
 * event's id; every other payload passes straight through. Thread-safe.
 */
final class ProtectingSerializer implements EventSerializer {

	private final EventSerializer delegate;

	private final PersonalDataProtection protection;

	/**
	 * The registered types: hand-built data of a type with personal components is sealed.
	 */
	private final EventTypes types;

	/**
	 * For each class read into that has no personal components, whether it reads one of
	 * each event type class's: asked of the serializer once a pair.
	 */
	private final Map<Class<?>, Map<Class<?>, Boolean>> views = new ConcurrentHashMap<>();

	ProtectingSerializer(EventSerializer delegate, PersonalDataProtection protection, EventTypes types) {
		this.delegate = delegate;
		this.protection = protection;
		this.types = types;
	}

	PersonalDataProtection protection() {
		return this.protection;
	}

	/** A payload's JSON, personal values encrypted under the event's id. */
	byte[] serialize(Object payload, UUID eventId) {
		PersonalFields fields = PersonalFields.of(payload.getClass());
		if (!fields.any()) {
			return this.delegate.serialize(payload);
		}
		try {
			return this.protection.encrypt(payload, fields, eventId, this.delegate);
		}
		catch (IllegalStateException | UncheckedIOException ex) {
			// The key store failed: nothing is written.
			throw new EventStoreException("Cannot encrypt the personal data of event " + eventId + " ("
					+ payload.getClass().getName() + "): " + ex.getMessage() + "; nothing was stored", ex);
		}
	}

	/**
	 * An event built by hand (a map, or JSON) with the personal values its type's class
	 * declares sealed, as a payload's are; the event itself when its type has none.
	 * @throws IllegalArgumentException if a personal value has no subject id, or the data
	 * is of another revision than the class
	 */
	NewEvent sealedByHand(NewEvent event) {
		Class<?> type = personalClassOf(event);
		if (type == null) {
			return event;
		}
		int revision = this.types.revisionOf(event.type());
		if (event.revision() != revision) {
			// Which fields hold personal data is known for the class's revision only.
			throw new IllegalArgumentException("Event '" + event.type() + "' built by hand is of revision "
					+ event.revision() + ", but " + type.getName() + ", whose @PersonalData components say which of "
					+ "its values to encrypt, is of revision " + revision + ": append a " + type.getSimpleName()
					+ " payload, or data in revision " + revision + "'s shape (withRevision(" + revision + "))");
		}
		PersonalFields fields = PersonalFields.of(type);
		byte[] json = event.body().bytes();
		byte[] sealed;
		try {
			sealed = this.protection.encryptJson(json, fields, event.id());
		}
		catch (IllegalStateException | UncheckedIOException ex) {
			throw new EventStoreException("Cannot encrypt the personal data of event " + event.id() + " ("
					+ type.getName() + "): " + ex.getMessage() + "; nothing was stored", ex);
		}
		return (sealed == json) ? event : event.withSealedData(sealed);
	}

	/**
	 * The class whose personal components an event's data holds: its payload's, or for
	 * data built by hand its type's registered class; null when it holds none.
	 */
	@Nullable Class<?> personalClassOf(NewEvent event) {
		Object payload = event.payload();
		Class<?> type = (payload != null) ? payload.getClass() : this.types.classFor(event.type()).orElse(null);
		return (type != null && PersonalFields.of(type).any()) ? type : null;
	}

	/**
	 * The class whose personal components say which of a stored event's values to decrypt
	 * for a payload class: that class when it has any, else the event type's registered
	 * class when it has any and the class read into reads one of them (the reader's own
	 * view of the event, whose personal values are the event type's); null when neither
	 * has, or the view reads none: it then costs no decryption.
	 */
	@Nullable Class<?> sealedAs(String eventType, Class<?> payloadType) {
		if (PersonalFields.of(payloadType).any()) {
			return payloadType;
		}
		Class<?> registered = this.types.classFor(eventType).orElse(null);
		if (registered == null || registered == payloadType || !PersonalFields.of(registered).any()) {
			return null;
		}
		Map<Class<?>, Boolean> byType = this.views.get(payloadType);
		Boolean reads = (byType != null) ? byType.get(registered) : null;
		if (reads == null) {
			// Asked once a pair; lookups after it allocate nothing.
			reads = readsPersonal(payloadType, PersonalFields.of(registered));
			this.views.computeIfAbsent(payloadType, (view) -> new ConcurrentHashMap<>()).put(registered, reads);
		}
		return reads ? registered : null;
	}

	private boolean readsPersonal(Class<?> view, PersonalFields fields) {
		for (PersonalFields.Field field : fields.fields()) {
			if (this.delegate.mayRead(view, field.json())) {
				return true;
			}
		}
		return false;
	}

	@Override
	public boolean mayRead(Class<?> type, String property) {
		return this.delegate.mayRead(type, property);
	}

	/**
	 * Decrypted data: for which class, by which protection, the JSON, and
	 * {@link PersonalDataProtection#erasures} and the time before it was decrypted. The
	 * protection counts: a journal's events can outlive a store (an in-memory journal
	 * given to the next one), and another protection's count of erasures says nothing of
	 * this one's.
	 */
	record Revealed(Class<?> type, PersonalDataProtection by, byte[] json, long erasures, long at) {
	}

	/**
	 * A stored event's data with its personal values decrypted for a class, or replaced
	 * once erased: the kept one while no erasure since may concern it
	 * ({@link PersonalDataProtection#servable}), else decrypted now.
	 * @param kept what an earlier read of the event decrypted, if anything
	 * @param json the event's stored JSON, or null when upcasters made a tree
	 * @param tree a copy of the upcasters' tree, asked for only when there is no JSON
	 * @param upcastFrom the stored JSON the upcasters' tree was made of, if it was
	 * @throws EventStoreException naming the event when a value does not decrypt or the
	 * key store fails
	 */
	Revealed revealed(@Nullable Revealed kept, Class<?> type, StoredEvent event, byte @Nullable [] json,
			Supplier<ObjectNode> tree, byte @Nullable [] upcastFrom) {
		if (kept != null && kept.type() == type && kept.by() == this.protection
				&& this.protection.servable(kept.erasures(), kept.at())) {
			return kept;
		}
		// Read before decrypting: an erasure while it runs makes what it decrypts stale.
		long erasures = this.protection.erasures();
		long at = System.nanoTime();
		PersonalFields fields = PersonalFields.of(type);
		try {
			byte[] revealed = (json != null) ? this.protection.decrypt(json, fields, event.id()) : JsonData.TREES
				.writeValueAsBytes(this.protection.decrypt(tree.get(), upcastFrom, fields, event.id()));
			return new Revealed(type, this.protection, revealed, erasures, at);
		}
		catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | JacksonException ex) {
			throw new EventStoreException("The personal data of the event at position " + event.position() + " (id "
					+ event.id() + ", '" + event.type() + "' in stream '" + event.streamId() + "') cannot be read: "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * The personal values decrypted data holds, to withhold from texts about its event:
	 * each personal component's text, or its number's or nested values' texts.
	 */
	Redaction redaction(Revealed revealed) {
		JsonNode tree;
		try {
			tree = JsonData.TREES.readTree(revealed.json());
		}
		catch (JacksonException ex) {
			return Redaction.none();
		}
		List<String> values = new ArrayList<>();
		for (PersonalFields.Field field : PersonalFields.of(revealed.type()).fields()) {
			collect(tree.get(field.json()), values);
		}
		return Redaction.of(values);
	}

	private static void collect(@Nullable JsonNode node, List<String> values) {
		if (node == null) {
			return;
		}
		if (node.isString() || node.isNumber()) {
			values.add(node.asString());
		}
		else if (node.isContainer()) {
			for (JsonNode element : node.values()) {
				collect(element, values);
			}
		}
	}

	/**
	 * The exception saying why decrypted data does not fit a class, withholding its
	 * personal values: a personal component that does not read as its type is named, not
	 * quoted, and the parser's exception is dropped (it quotes a long value cut short,
	 * which no redaction would find); another problem is told, and kept as the cause,
	 * with the values redacted.
	 * @param whose the message's start, naming the event and the class
	 */
	IllegalArgumentException unfit(Revealed revealed, String whose, RuntimeException failure) {
		JacksonException parsing = null;
		for (Throwable cause = failure; cause != null && parsing == null; cause = cause.getCause()) {
			if (cause instanceof JacksonException jackson) {
				parsing = jackson;
			}
		}
		if (parsing != null && !parsing.getPath().isEmpty()) {
			String property = parsing.getPath().get(0).getPropertyName();
			for (PersonalFields.Field field : PersonalFields.of(revealed.type()).fields()) {
				if (field.json().equals(property)) {
					Class<?> target = (parsing instanceof MismatchedInputException mismatch) ? mismatch.getTargetType()
							: null;
					return new IllegalArgumentException(whose + "its personal value '" + field.name()
							+ "' does not read as " + ((target != null) ? target.getName() : "the component's type")
							+ " (the value is withheld)");
				}
			}
		}
		Redaction redaction = redaction(revealed);
		return new IllegalArgumentException(whose + redaction.apply(Texts.firstLine(failure.getMessage())),
				redaction.apply(failure));
	}

	@Override
	public byte[] serialize(Object payload) {
		if (PersonalFields.of(payload.getClass()).any()) {
			throw new IllegalStateException("A payload with personal data is serialised only with its event's id");
		}
		return this.delegate.serialize(payload);
	}

	@Override
	public <T> T deserialize(byte[] json, Class<T> type) {
		return this.delegate.deserialize(json, type);
	}

	@Override
	public <T> T deserialize(JsonNode tree, Class<T> type) {
		return this.delegate.deserialize(tree, type);
	}

}
