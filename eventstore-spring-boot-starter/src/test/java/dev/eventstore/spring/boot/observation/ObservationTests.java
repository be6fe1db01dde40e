package dev.eventstore.spring.boot.observation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.Redaction;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.observation.EventStoreObservationAutoConfiguration;
import dev.eventstore.spring.boot.processor.EventProcessor;
import dev.eventstore.spring.boot.processor.EventProcessors;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ObservationTests {

	/** Keeps every stopped observation's name and key values. */
	static final class Recorder implements ObservationHandler<Observation.Context> {

		final List<String> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			Map<String, String> low = context.getLowCardinalityKeyValues()
				.stream()
				.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
			Map<String, String> high = context.getHighCardinalityKeyValues()
				.stream()
				.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
			this.stopped.add(context.getName() + " " + new java.util.TreeMap<>(low) + " "
					+ new java.util.TreeMap<>(high) + ((context.getError() != null) ? " error" : ""));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@EventProcessor("observed")
	static class Observed implements EventHandler {

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
		}

	}

	private final Recorder recorder = new Recorder();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreObservationAutoConfiguration.class,
				EventStoreAutoConfiguration.class, EventProcessorAutoConfiguration.class))
		.withPropertyValues("eventstore.publish-events=false")
		.withBean(ObservationRegistry.class, () -> {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(this.recorder);
			return registry;
		});

	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String email) {
	}

	@Test
	void aFailedHandlingsObservationHoldsNoneOfTheEventsPersonalValues() {
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public void onError(Observation.Context context) {
				errors.add(context.getError());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		});
		try (EventStore store = EventStore.builder()
			.eventTypes(EventTypes.of(CustomerRegistered.class))
			.personalData(
					PersonalDataProtection.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
							new InMemorySubjectKeyStore()))
			.build()) {
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")));
			StoredEvent event = store.readStream("customer-1").get(0);
			ObservedEventHandler handler = new ObservedEventHandler("mailer", (failing, delivery) -> {
				throw new IllegalStateException("no mailbox for " + failing.payload(CustomerRegistered.class).email());
			}, registry);

			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> handler.handle(event, new Delivery(false, 1)))
				.as("the processor gets the failure as thrown")
				.withMessage("no mailbox for ada@example.org");
			assertThat(errors).singleElement()
				.hasToString("java.lang.IllegalStateException: no mailbox for " + Redaction.MARK);
		}
	}

	@Test
	void eachAppendAndEachHandledEventIsOneObservation() {
		this.contextRunner.withBean(Observed.class).run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			assertThat(store).isInstanceOf(ObservedEventStore.class);
			store.append("order-1", NewEvent.of("Placed", Map.of()));
			assertThatExceptionOfType(ConcurrencyConflictException.class)
				.isThrownBy(() -> store.append("order-1", NewEvent.of("Placed", Map.of()), ExpectedVersion.noStream()));
			store.appendBatch("order-1", List.of(NewEvent.of("A", Map.of()), NewEvent.of("B", Map.of())));
			assertThat(context.getBean(EventProcessors.class)
				.find("observed")
				.orElseThrow()
				.awaitHandled(3, java.time.Duration.ofSeconds(10))).isTrue();
			assertThat(this.recorder.stopped).contains(
					"eventstore.append {event.type=Placed, exception=none, outcome=success} {stream.id=order-1}",
					"eventstore.append {event.type=Placed, exception=ConcurrencyConflictException, outcome=conflict} "
							+ "{stream.id=order-1} error",
					"eventstore.append {event.type=mixed, exception=none, outcome=success} {stream.id=order-1}",
					"eventstore.processor.handle {event.type=Placed, processor=observed, replay=false} "
							+ "{position=1, stream.id=order-1}");
		});
	}

	/** Stands in for a tracing bridge: injects a traceparent, and reads it back. */
	static final class Propagating implements ObservationHandler<Observation.Context> {

		final List<String> continued = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			if (context instanceof io.micrometer.observation.transport.SenderContext<?> sender) {
				inject(sender);
			}
			else if (context instanceof io.micrometer.observation.transport.ReceiverContext<?> receiver) {
				this.continued.add(String.valueOf(extract(receiver)));
			}
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private static void inject(io.micrometer.observation.transport.SenderContext sender) {
			sender.getSetter()
				.set(sender.getCarrier(), "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private static Object extract(io.micrometer.observation.transport.ReceiverContext receiver) {
			return receiver.getGetter().get(receiver.getCarrier(), "traceparent");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@Test
	void theAppendsTraceContextTravelsInTheMetadataToTheProcessorsObservation() {
		Propagating tracing = new Propagating();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EventStoreObservationAutoConfiguration.class,
					EventStoreAutoConfiguration.class, EventProcessorAutoConfiguration.class))
			.withPropertyValues("eventstore.publish-events=false",
					"eventstore.observations.propagate-trace-context=true")
			.withBean(ObservationRegistry.class, () -> {
				ObservationRegistry registry = ObservationRegistry.create();
				registry.observationConfig().observationHandler(tracing);
				return registry;
			})
			.withBean(Observed.class)
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				StoredEvent stored = store.append("order-1", NewEvent.of("Placed", Map.of("n", 1), Map.of("by", "me")));
				assertThat(stored.metadata()).containsEntry("by", "me")
					.containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
				assertThat(context.getBean(EventProcessors.class)
					.find("observed")
					.orElseThrow()
					.awaitHandled(1, java.time.Duration.ofSeconds(10))).isTrue();
				assertThat(tracing.continued).contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
			});
	}

	@Test
	void observationsCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("eventstore.observations.enabled=false").run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			assertThat(store).isNotInstanceOf(ObservedEventStore.class);
			store.append("s", NewEvent.of("E", Map.of()));
			assertThat(this.recorder.stopped).isEmpty();
		});
	}

}
