package dev.eventstore.spring.boot.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.StartPoint;
import dev.eventstore.spring.boot.actuate.EventProcessorsEndpoint;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.actuate.EventProcessorsEndpointAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.health.EventProcessorsHealthContributorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.metrics.EventStoreMetricsAutoConfiguration;
import dev.eventstore.spring.boot.processor.ShopEvents.Added;
import dev.eventstore.spring.boot.processor.ShopEvents.Paid;
import dev.eventstore.spring.boot.processor.ShopEvents.Removed;
import dev.eventstore.spring.boot.processor.ShopEvents.ShopEvent;
import dev.eventstore.types.EventTypes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventProcessorsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreAutoConfiguration.class,
				EventProcessorAutoConfiguration.class, EventProcessorsHealthContributorAutoConfiguration.class,
				EventStoreMetricsAutoConfiguration.class, EventProcessorsEndpointAutoConfiguration.class))
		.withPropertyValues("eventstore.publish-events=false")
		.withBean(EventTypes.class, () -> EventTypes.of(Added.class, Removed.class, Paid.class));

	/** A read model with typed methods, one with the stored event, and a reset method. */
	@EventProcessor("totals")
	static class Totals {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final List<Long> resets = new CopyOnWriteArrayList<>();

		public void on(Added added) {
			this.seen.add("added " + added.sku());
		}

		public void on(Removed removed, StoredEvent event, Delivery delivery) {
			this.seen.add("removed " + removed.sku() + " at " + event.position() + (delivery.replay() ? " again" : ""));
		}

		public void on(ShopEvent other) {
			this.seen.add("other " + other.getClass().getSimpleName());
		}

		@ResetHandler
		public void clear(long fromPosition) {
			this.seen.clear();
			this.resets.add(fromPosition);
		}

		public void setSomething(String notAnEvent) {
			throw new AssertionError("not a handler");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TotalsConfiguration {

		@Bean
		Totals totals() {
			return new Totals();
		}

	}

	private static void appendShopping(EventStore store) {
		store.append("cart-1", NewEvent.of(new Added("apple", 2)));
		store.append("cart-1", NewEvent.of("Untyped", Map.of("x", 1)));
		store.append("cart-1", NewEvent.of(new Removed("apple")));
		store.append("cart-1", NewEvent.of(new Paid(500)));
	}

	@Test
	void anAnnotatedBeanGetsEachTypedPayloadAtItsMostSpecificMethodInOrder() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class).run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			appendShopping(store);
			Processor processor = context.getBean(EventProcessors.class).find("totals").orElseThrow();
			assertThat(processor.awaitHandled(4, WAIT)).isTrue();
			assertThat(context.getBean(Totals.class).seen).containsExactly("added apple", "removed apple at 3",
					"other Paid");
			processor.reset(3);
			assertThat(processor.awaitHandled(4, WAIT)).isTrue();
			await().atMost(WAIT).until(() -> context.getBean(Totals.class).seen.size() == 2);
			assertThat(context.getBean(Totals.class).resets).containsExactly(3L);
			assertThat(context.getBean(Totals.class).seen).containsExactly("removed apple at 3 again", "other Paid");
		});
	}

	@Test
	void aProcessorResumesAfterItsCheckpointBesideTheJournalWhenTheApplicationRestarts() {
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
					"eventstore.fsync=never");
		runner.run((context) -> {
			appendShopping(context.getBean(EventStore.class));
			assertThat(context.getBean(EventProcessors.class).find("totals").orElseThrow().awaitHandled(4, WAIT))
				.isTrue();
		});
		assertThat(this.dir.resolve("events.ndjson.totals.checkpoint")).exists();
		runner.run((context) -> {
			context.getBean(EventStore.class).append("cart-2", NewEvent.of(new Added("pear", 1)));
			assertThat(context.getBean(EventProcessors.class).find("totals").orElseThrow().awaitHandled(5, WAIT))
				.isTrue();
			assertThat(context.getBean(Totals.class).seen).containsExactly("added pear");
		});
	}

	@Test
	void inMemoryCheckpointsRebuildFromTheBeginningOnEveryStart() {
		ApplicationContextRunner runner = this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
					"eventstore.fsync=never", "eventstore.processors.totals.checkpoints=memory");
		runner.run((context) -> appendShopping(context.getBean(EventStore.class)));
		runner.run((context) -> {
			assertThat(context.getBean(EventProcessors.class).find("totals").orElseThrow().awaitHandled(4, WAIT))
				.isTrue();
			assertThat(context.getBean(Totals.class).seen).hasSize(3);
		});
		assertThat(this.dir.resolve("events.ndjson.totals.checkpoint")).doesNotExist();
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoNamedAlike {

		@Bean
		Totals first() {
			return new Totals();
		}

		@Bean
		Totals second() {
			return new Totals();
		}

	}

	@Test
	void twoBeansClaimingOneNameFailStartUpNamingBoth() {
		this.contextRunner.withUserConfiguration(TwoNamedAlike.class)
			.run((context) -> assertThat(startupFailure(context))
				.hasMessage("Two beans declare @EventProcessor(\"totals\"): 'first' and 'second'; "
						+ "processor names must be unique"));
	}

	@Test
	void aPropertyNamingNoProcessorFailsStartUp() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.processors.totls.enabled=false")
			.run((context) -> assertThat(startupFailure(context))
				.hasMessage("eventstore.processors.totls configures no processor: the @EventProcessor names are "
						+ "[totals]"));
	}

	@EventProcessor("empty")
	static class NoHandlers {

		public void setName(String name) {
		}

	}

	@Test
	void aProcessorBeanWithoutHandlerMethodsFailsStartUp() {
		this.contextRunner.withBean(NoHandlers.class)
			.run((context) -> assertThat(startupFailure(context))
				.hasMessageContaining("is an @EventProcessor but has no public method taking an event class"));
	}

	@EventProcessor(value = "broken", startFrom = StartPoint.END)
	static class Broken implements EventHandler {

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			throw new IllegalStateException("cannot handle " + event.type());
		}

	}

	@Test
	void propertiesSetRetryAndStartPointAndAFailedProcessorShowsInHealthMetricsAndTheEndpoint() {
		this.contextRunner.withBean(Broken.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("eventstore.processors.broken.retry.max-attempts=2",
					"eventstore.processors.broken.retry.initial-delay=1ms",
					"eventstore.processors.broken.start-from=beginning",
					"management.endpoints.web.exposure.include=eventprocessors")
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("s", NewEvent.of(new Paid(1)));
				Processor processor = context.getBean(EventProcessors.class).find("broken").orElseThrow();
				await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
				assertThat(processor.status().failure().attempts()).isEqualTo(2);
				assertThat(processor.status().failure().position()).isEqualTo(1);

				Health health = context.getBean("eventProcessorsHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("broken");

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("eventstore.processor.lag").tag("processor", "broken").gauge().value())
					.isEqualTo(1.0);
				assertThat(meters.get("eventstore.processor.position").tag("processor", "broken").gauge().value())
					.isZero();
				assertThat(meters.get("eventstore.processor.failures")
					.tag("processor", "broken")
					.tag("exception", "IllegalStateException")
					.counter()
					.count()).isEqualTo(2.0);

				EventProcessorsEndpoint endpoint = context.getBean(EventProcessorsEndpoint.class);
				assertThat(endpoint.processors().processors()).singleElement().satisfies((p) -> {
					assertThat(p.name()).isEqualTo("broken");
					assertThat(p.state()).isEqualTo(ProcessorState.FAILED);
					assertThat(p.lastError()).isEqualTo("java.lang.IllegalStateException: cannot handle Paid");
				});
				assertThat(endpoint.processor("nope").getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
				assertThat(endpoint.operate("nope", "pause").getStatus()).isEqualTo(404);
				assertThat(endpoint.operateAt("broken", "reset", 3L).getStatus()).isEqualTo(400);
				assertThat(endpoint.command("broken", "reset", 0L).getStatus()).isEqualTo(400);
				assertThat(endpoint.operateAt("broken", "pause", 1L).getStatus()).isEqualTo(400);
				assertThat(endpoint.operate("broken", "jump").getStatus()).isEqualTo(400);
				assertThat(endpoint.operate("broken", "skip").getStatus()).isEqualTo(200);
				assertThat(processor.status().checkpoint()).isEqualTo(1);
				assertThat(endpoint.command("broken", "skip", null).getStatus()).isEqualTo(409);
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			});
	}

	/** Fails on every event of stream "poison" while it is poisoned. */
	@EventProcessor(value = "parking", segments = 3)
	static class Parking implements EventHandler {

		volatile boolean poisoned = true;

		final List<String> handled = new CopyOnWriteArrayList<>();

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			if (this.poisoned && event.streamId().equals("poison")) {
				throw new IllegalStateException("poisoned " + event.position());
			}
			this.handled.add(event.streamId() + "@" + event.version());
		}

	}

	@Test
	void aParkingProcessorOfSegmentsShowsItsSegmentsAndParkedEventsInTheEndpointHealthAndMetrics() {
		this.contextRunner.withBean(Parking.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
					"eventstore.processors.parking.retry.max-attempts=1",
					"eventstore.processors.parking.retry.exhausted=park",
					"management.endpoints.web.exposure.include=eventprocessors")
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("poison", NewEvent.of(new Paid(1)));
				store.append("fine", NewEvent.of(new Paid(2)));
				store.append("poison", NewEvent.of(new Paid(3)));
				store.append("fine", NewEvent.of(new Paid(4)));
				Processor processor = context.getBean(EventProcessors.class).find("parking").orElseThrow();
				assertThat(processor.segmentCount()).isEqualTo(3);
				assertThat(processor.awaitHandled(4, WAIT)).isTrue();
				Parking handler = context.getBean(Parking.class);
				assertThat(handler.handled).containsExactly("fine@1", "fine@2");

				EventProcessorsEndpoint endpoint = context.getBean(EventProcessorsEndpoint.class);
				EventProcessorsEndpoint.ProcessorDescriptor described = endpoint.processors().processors().get(0);
				assertThat(described.state()).isEqualTo(ProcessorState.RUNNING);
				assertThat(described.parked()).isEqualTo(2);
				assertThat(described.segments()).hasSize(3)
					.allSatisfy((segment) -> assertThat(segment.owner()).isNotNull());
				WebEndpointResponse<Object> parked = endpoint.part("parking", "parked");
				assertThat(parked.getStatus()).isEqualTo(200);
				assertThat(((EventProcessorsEndpoint.ParkedDescriptor) parked.getBody()).parked())
					.extracting(EventProcessorsEndpoint.ParkedEventDescriptor::position,
							EventProcessorsEndpoint.ParkedEventDescriptor::heldBehind)
					.containsExactly(Tuple.tuple(1L, null), Tuple.tuple(3L, 1L));
				assertThat(endpoint.part("parking", "other").getStatus()).isEqualTo(404);
				assertThat(endpoint.part("nope", "parked").getStatus()).isEqualTo(404);
				assertThat(endpoint.parkedCommand("parking", "parked", "3", "retry").getStatus()).isEqualTo(409);
				assertThat(endpoint.parkedCommand("parking", "parked", "1", "retry").getStatus()).isEqualTo(409);
				assertThat(endpoint.parkedCommand("parking", "parked", "9", "retry").getStatus()).isEqualTo(404);
				assertThat(endpoint.parkedCommand("parking", "parked", "x", "retry").getStatus()).isEqualTo(400);
				assertThat(endpoint.parkedCommand("parking", "parked", "1", "jump").getStatus()).isEqualTo(400);
				assertThat(endpoint.parkedCommand("parking", "held", "1", "retry").getStatus()).isEqualTo(404);
				assertThat(endpoint.parkedCommand("nope", "parked", "1", "retry").getStatus()).isEqualTo(404);

				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails().get("parking"))
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.containsEntry("parked", 2)
					.containsEntry("segments", 3);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("eventstore.processor.parked").tag("processor", "parking").gauge().value())
					.isEqualTo(2.0);
				assertThat(meters.get("eventstore.processor.lag").tag("processor", "parking").gauges()).hasSize(3);
				assertThat(
						meters.get("eventstore.processor.parked.events").tag("processor", "parking").counter().count())
					.isEqualTo(2.0);

				handler.poisoned = false;
				WebEndpointResponse<Object> retried = endpoint.parkedCommand("parking", "parked", "1", "retry");
				assertThat(retried.getStatus()).isEqualTo(200);
				assertThat(((EventProcessorsEndpoint.ProcessorDescriptor) retried.getBody()).parked()).isZero();
				assertThat(handler.handled).containsExactly("fine@1", "fine@2", "poison@1", "poison@2");
			});
	}

	@Test
	void aSegmentCountOutOfRangeFailsStartUpNamingTheProperty() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.processors.totals.segments=0")
			.run((context) -> assertThat(startupFailure(context))
				.hasMessage("eventstore.processors.totals.segments (or @EventProcessor(segments)) must be 1 to 256, "
						+ "was 0"));
	}

	private static Throwable startupFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

	private static Health health(ApplicationContext context) {
		return context.getBean("eventProcessorsHealthIndicator", HealthIndicator.class).health();
	}

	/** Another instance owns every processor, for as long as the test runs. */
	static final class OwnedElsewhere implements ProcessorOwnership {

		@Override
		public boolean tryAcquire(String processor) {
			return false;
		}

		@Override
		public boolean isHeld(String processor) {
			return false;
		}

		@Override
		public void release(String processor) {
		}

	}

	@Test
	void everyCommandSentToAnInstanceThatDoesNotOwnTheProcessorIs409() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withBean(ProcessorInfrastructure.class,
					() -> new ProcessorInfrastructure(CheckpointStore.inMemory(), new OwnedElsewhere(), null))
			.withPropertyValues("management.endpoints.web.exposure.include=eventprocessors")
			.run((context) -> {
				Processor processor = context.getBean(EventProcessors.class).find("totals").orElseThrow();
				await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.NOT_OWNER);
				EventProcessorsEndpoint endpoint = context.getBean(EventProcessorsEndpoint.class);
				for (String action : List.of("pause", "resume", "reset", "skip")) {
					assertThat(endpoint.operate("totals", action).getStatus()).as(action).isEqualTo(409);
					assertThat(endpoint.command("totals", action, null).getStatus()).as(action).isEqualTo(409);
				}
				assertThat(processor.status().state()).isEqualTo(ProcessorState.NOT_OWNER);
			});
	}

	/**
	 * Another instance took the processor over and moved its checkpoint before this one
	 * noticed: an operator's reset here is a 409 naming that, not a 500, and the read
	 * model is not reset.
	 */
	@Test
	void aResetAfterAnotherInstanceMovedTheCheckpointIs409AndResetsNothing() {
		Path journal = this.dir.resolve("events.ndjson");
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.persist-path=" + journal, "eventstore.fsync=never",
					"management.endpoints.web.exposure.include=eventprocessors")
			.run((context) -> {
				appendShopping(context.getBean(EventStore.class));
				Processor processor = context.getBean(EventProcessors.class).find("totals").orElseThrow();
				assertThat(processor.awaitHandled(4, WAIT)).isTrue();
				CheckpointStore checkpoints = CheckpointStore.besideJournal(journal);
				await().atMost(WAIT).until(() -> checkpoints.load("totals").map(Checkpoint::position).orElse(0L) == 4);
				checkpoints.save("totals", checkpoints.load("totals").orElseThrow(), new Checkpoint(2, 0));
				WebEndpointResponse<Object> response = context.getBean(EventProcessorsEndpoint.class)
					.operate("totals", "reset");
				assertThat(response.getStatus()).isEqualTo(409);
				assertThat(response.getBody()).asInstanceOf(InstanceOfAssertFactories.MAP)
					.extractingByKey("error", InstanceOfAssertFactories.STRING)
					.contains("did not run the command: another instance took it over");
				assertThat(context.getBean(Totals.class).resets).isEmpty();
			});
	}

	@Test
	void aFailedProcessorCanReportOutOfServiceInstead() {
		this.contextRunner.withBean(Broken.class)
			.withPropertyValues("eventstore.processors.broken.retry.max-attempts=1",
					"eventstore.health.failed-processor-status=OUT_OF_SERVICE")
			.run((context) -> {
				Processor processor = context.getBean(EventProcessors.class).find("broken").orElseThrow();
				await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
				context.getBean(EventStore.class).append("s", NewEvent.of(new Paid(1)));
				await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
				assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			});
	}

	@Test
	void aDisabledProcessorIsListedButStopped() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.withPropertyValues("eventstore.processors.totals.enabled=false")
			.run((context) -> {
				appendShopping(context.getBean(EventStore.class));
				Processor processor = context.getBean(EventProcessors.class).find("totals").orElseThrow();
				assertThat(processor.status().state()).isEqualTo(ProcessorState.STOPPED);
				assertThat(processor.awaitHandled(1, Duration.ofMillis(200))).isFalse();
				assertThat(context.getBean(Totals.class).seen).isEmpty();
			});
	}

	@Test
	void theEndpointIsOnlyThereWhenExposed() {
		this.contextRunner.withUserConfiguration(TotalsConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(EventProcessorsEndpoint.class));
	}

}
