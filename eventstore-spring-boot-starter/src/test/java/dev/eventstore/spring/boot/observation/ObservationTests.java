package dev.eventstore.spring.boot.observation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.observation.EventStoreObservationAutoConfiguration;
import dev.eventstore.spring.boot.processor.EventProcessor;
import dev.eventstore.spring.boot.processor.EventProcessors;
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
