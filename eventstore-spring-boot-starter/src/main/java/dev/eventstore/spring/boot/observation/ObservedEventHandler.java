package dev.eventstore.spring.boot.observation;

import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.EventHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * A processor's handler whose every call is one {@link Observation}
 * ({@code eventstore.processor.handle}): low-cardinality keys {@code processor},
 * {@code event.type}, {@code replay}; high-cardinality {@code stream.id} and
 * {@code position}. An exception marks it failed (with the event's decrypted personal
 * values withheld from it); the processor's retry sees the same exception.
 *
 * @since 0.2.0
 */
public final class ObservedEventHandler implements EventHandler {

	private final String processor;

	private final EventHandler delegate;

	private final ObservationRegistry registry;

	public ObservedEventHandler(String processor, EventHandler delegate, ObservationRegistry registry) {
		this.processor = processor;
		this.delegate = delegate;
		this.registry = registry;
	}

	@Override
	public void handle(StoredEvent event, Delivery delivery) throws Exception {
		// The trace context an append recorded in the metadata, if any, is the parent:
		// the handling continues the trace of the request that appended the event.
		ReceiverContext<StoredEvent> receiver = new ReceiverContext<>((carrier, key) -> {
			Object value = carrier.metadata().get(key);
			return (value != null) ? value.toString() : null;
		});
		receiver.setCarrier(event);
		Observation observation = Observation
			.createNotStarted("eventstore.processor.handle", () -> receiver, this.registry)
			.contextualName("eventstore " + this.processor + " handle")
			.lowCardinalityKeyValue("processor", this.processor)
			.lowCardinalityKeyValue("event.type", event.type())
			.lowCardinalityKeyValue("replay", String.valueOf(delivery.replay()))
			.highCardinalityKeyValue("stream.id", event.streamId())
			.highCardinalityKeyValue("position", String.valueOf(event.position()))
			.start();
		Observation.Scope scope = observation.openScope();
		try {
			this.delegate.handle(event, delivery);
		}
		catch (Exception | Error ex) {
			// Traces leave the application: what the failure says of the event's
			// personal values stays out of them.
			observation.error(event.redaction().apply(ex));
			throw ex;
		}
		finally {
			scope.close();
			observation.stop();
		}
	}

	@Override
	public void reset(long fromPosition) throws Exception {
		this.delegate.reset(fromPosition);
	}

}
