package dev.eventstore;

import java.util.Map;
import java.util.Objects;

import dev.eventstore.internal.JsonBody;
import dev.eventstore.internal.JsonData;
import dev.eventstore.personal.Redaction;
import dev.eventstore.serialization.EventSerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event's data, shared by every view of the event ({@link StoredEvent#view()}) so that
 * it is decoded once however many reads return it: the stored JSON, or the tree the
 * upcasters made of it. Decoded on first use into a deeply unmodifiable map; for a
 * payload class with personal components, decrypted and kept while no erasure since
 * concerns it. Thread-safe: each cache holds an immutable value, at worst made twice.
 */
final class EventBody {

	final @Nullable JsonBody json;

	final @Nullable ObjectNode tree;

	/**
	 * The stored JSON the upcasters made {@link #tree} of: personal values are opened
	 * under the fields they were stored in, which an upcaster may have renamed.
	 */
	final @Nullable JsonBody upcastFrom;

	private volatile @Nullable Map<String, Object> data;

	/**
	 * The data with its personal values decrypted for a payload class, while no erasure
	 * since concerns it: kept on the heap like the payloads read from it.
	 */
	private volatile ProtectingSerializer.@Nullable Revealed revealed;

	/** What to withhold of {@link #revealed}, once asked for. */
	private volatile @Nullable Redacting redacting;

	EventBody(@Nullable JsonBody json, @Nullable ObjectNode tree) {
		this(json, tree, null);
	}

	private EventBody(@Nullable JsonBody json, @Nullable ObjectNode tree, @Nullable JsonBody upcastFrom) {
		this.json = json;
		this.tree = tree;
		this.upcastFrom = upcastFrom;
	}

	/** The data of another revision, the tree upcasters made of this one. */
	EventBody upcast(ObjectNode upcast) {
		return new EventBody(null, upcast, (this.json != null) ? this.json : this.upcastFrom);
	}

	/** The stored JSON of the data, parsed into a tree an upcaster may change. */
	ObjectNode tree() {
		JsonBody stored = this.json;
		return (stored != null) ? (ObjectNode) JsonData.TREES.readTree(stored.bytes())
				: Objects.requireNonNull(this.tree).deepCopy();
	}

	/** The data as a deeply unmodifiable map, decoded once. */
	Map<String, Object> data(long position) {
		Map<String, Object> decoded = this.data;
		if (decoded == null) {
			decoded = decode(position);
			this.data = decoded;
		}
		return decoded;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> decode(long position) {
		JsonBody stored = this.json;
		if (stored != null) {
			try {
				return stored.map();
			}
			catch (IllegalStateException ex) {
				throw new EventStoreException(
						"The data of the event at position " + position + " is not a JSON object: " + ex.getMessage(),
						ex);
			}
		}
		try (JsonParser parser = Objects.requireNonNull(this.tree).traverse(ObjectReadContext.empty())) {
			parser.nextToken();
			return (Map<String, Object>) Objects.requireNonNull(JsonData.read(parser));
		}
	}

	/** The data as UTF-8 JSON: a copy. */
	byte[] jsonCopy() {
		JsonBody stored = this.json;
		return (stored != null) ? stored.bytes().clone()
				: JsonData.MAPPER.writeValueAsBytes(Objects.requireNonNull(this.tree));
	}

	/** The data as a class without personal components. */
	<T> T payload(EventSerializer serializer, Class<T> type) {
		JsonBody stored = this.json;
		return (stored != null) ? serializer.deserialize(stored.bytes(), type)
				: serializer.deserialize(Objects.requireNonNull(this.tree), type);
	}

	/**
	 * The data as a class, its personal values decrypted as another class's components
	 * say (the same class, or the event type's registered one): never kept by the caller,
	 * so that once its subject is erased no view of the event gives it again. The
	 * decrypted data is kept here while servable.
	 */
	<T> T revealedPayload(ProtectingSerializer protecting, Class<?> sealedAs, Class<T> type, StoredEvent event) {
		ProtectingSerializer.Revealed kept = this.revealed;
		JsonBody stored = this.json;
		JsonBody upcast = this.upcastFrom;
		ProtectingSerializer.Revealed opened = protecting.revealed(kept, sealedAs, event,
				(stored != null) ? stored.bytes() : null, this::tree, (upcast != null) ? upcast.bytes() : null);
		if (opened != kept) {
			this.revealed = opened;
		}
		try {
			return protecting.deserialize(opened.json(), type);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// The parser's message quotes the value it choked on, decrypted: withheld, as
			// this exception is logged, shown and stored with parked events.
			throw protecting.unfit(opened, event.doesNotFit(type), ex);
		}
	}

	/** The personal values last decrypted here, to keep out of texts about the event. */
	Redaction redaction(EventSerializer serializer) {
		ProtectingSerializer.Revealed opened = this.revealed;
		if (opened == null || !(serializer instanceof ProtectingSerializer protecting)) {
			return Redaction.none();
		}
		Redacting last = this.redacting;
		if (last != null && last.revealed() == opened) {
			return last.redaction();
		}
		Redaction redaction = protecting.redaction(opened);
		this.redacting = new Redacting(opened, redaction);
		return redaction;
	}

	/** The values to withhold of some decrypted data, found once. */
	private record Redacting(ProtectingSerializer.Revealed revealed, Redaction redaction) {
	}

}
