package dev.eventstore.spring.boot.events;

import java.util.Map;

import dev.eventstore.StoredEvent;

import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.ResolvableType;

/**
 * A stored event as a Spring application event: its payload, typed, with the envelope.
 * The bridge publishes each stored event once, as one of these, so one publication
 * reaches every kind of listener:
 * <ul>
 * <li>{@code @EventListener void on(ItemAdded added)}: the payload alone;</li>
 * <li>{@code @EventListener void on(StoredApplicationEvent<ItemAdded> event)}: the
 * payload ({@link #getPayload()}) with position, stream, version and metadata
 * ({@link #event()});</li>
 * <li>{@code @EventListener void on(StoredApplicationEvent<?> event)}: every event.</li>
 * </ul>
 * The payload is an instance of the class registered for the event's type (see
 * {@link dev.eventstore.types.EventTypes}), or the {@link StoredEvent} itself for a type
 * with no class.
 *
 * @param <T> the payload type
 * @since 0.2.0
 */
public final class StoredApplicationEvent<T> extends PayloadApplicationEvent<T> {

	private static final long serialVersionUID = 1L;

	private final transient StoredEvent event;

	StoredApplicationEvent(Object source, StoredEvent event, T payload, Class<?> payloadType) {
		super(source, payload, ResolvableType.forClass(payloadType));
		this.event = event;
	}

	/** The stored event: position, stream, version, metadata, timestamp, id. */
	public StoredEvent event() {
		return this.event;
	}

	/** The event's global position. */
	public long position() {
		return this.event.position();
	}

	/** The stream the event belongs to. */
	public String streamId() {
		return this.event.streamId();
	}

	/** The event's version in its stream. */
	public long version() {
		return this.event.version();
	}

	/** The event's metadata. */
	public Map<String, Object> metadata() {
		return this.event.metadata();
	}

}
