package dev.eventstore.spring.boot.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.spring.boot.autoconfigure.health.EventStoreHealthContributorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.metrics.EventStoreMetricsAutoConfiguration;
import dev.eventstore.spring.boot.events.ApplicationEventBridge;
import dev.eventstore.spring.boot.health.EventStoreHealthIndicator;
import dev.eventstore.spring.boot.metrics.EventStoreMetrics;
import dev.eventstore.types.EventTypes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class EventStoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreAutoConfiguration.class,
				EventStoreMetricsAutoConfiguration.class, EventStoreHealthContributorAutoConfiguration.class));

	@TempDir
	Path dir;

	@Test
	void withoutPropertiesTheStoreIsInMemoryAndSaysSo(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(EventStore.class)
				.hasSingleBean(EventTypes.class)
				.hasSingleBean(ApplicationEventBridge.class);
			assertThat(context.getBean(EventStore.class).status().journal()).isEqualTo("in-memory");
			assertThat(output).contains("eventstore.persist-path is not set")
				.contains("events will not survive a restart");
		});
	}

	@Test
	void persistPathGivesADurableFileStore() {
		Path journal = this.dir.resolve("data/events.ndjson");
		this.contextRunner.withPropertyValues("eventstore.persist-path=" + journal).run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			store.append("s", NewEvent.of("E", Map.of()));
			assertThat(store.status().journal()).isEqualTo(journal.toString());
			assertThat(store.status().details()).containsEntry("fsync", "ALWAYS");
		});
		assertThat(journal).exists().isNotEmptyFile();
	}

	@Test
	void fsyncPropertiesReachTheJournal() {
		this.contextRunner
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
					"eventstore.fsync=interval", "eventstore.fsync-interval=20ms")
			.run((context) -> assertThat(context.getBean(EventStore.class).status().details()).containsEntry("fsync",
					"INTERVAL"));
	}

	@Test
	void storeIsClosedAndItsLockReleasedWithTheContext() {
		Path journal = this.dir.resolve("events.ndjson");
		EventStore[] captured = new EventStore[1];
		this.contextRunner.withPropertyValues("eventstore.persist-path=" + journal).run((context) -> {
			captured[0] = context.getBean(EventStore.class);
			captured[0].append("s", NewEvent.of("E", Map.of()));
		});
		assertThat(captured[0].status().open()).isFalse();
		try (EventStore reopened = EventStore.open(journal)) {
			assertThat(reopened.lastPosition()).isEqualTo(1);
		}
	}

	@Test
	void backsOffWhenUserDefinesEventStore() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("ignored.ndjson"))
			.run((context) -> {
				assertThat(context).hasSingleBean(EventStore.class);
				assertThat(context.getBean(EventStore.class)).isSameAs(context.getBean("userStore"));
				assertThat(this.dir.resolve("ignored.ndjson")).doesNotExist();
			});
	}

	@Test
	void publishEventsOffRemovesTheBridge() {
		this.contextRunner.withPropertyValues("eventstore.publish-events=false")
			.run((context) -> assertThat(context).hasSingleBean(EventStore.class)
				.doesNotHaveBean(ApplicationEventBridge.class));
	}

	@Test
	void metricsNeedAMeterRegistry() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(EventStoreMetrics.class));
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(EventStoreMetrics.class));
	}

	@Test
	void metricsNeedMicrometerOnTheClassPath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(EventStore.class)
				.doesNotHaveBean(EventStoreMetrics.class));
	}

	@Test
	void healthIndicatorIsContributedWithActuatorOnTheClassPath() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(EventStoreHealthIndicator.class)
			.hasBean("eventstoreHealthIndicator"));
	}

	@Test
	void healthIndicatorNeedsSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(EventStore.class)
				.doesNotHaveBean(EventStoreHealthIndicator.class));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.eventstore.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EventStoreHealthIndicator.class));
	}

	@Test
	void persistPathThatIsADirectoryFailsStartUpNamingTheProperty() throws IOException {
		Path directory = Files.createDirectories(this.dir.resolve("a-directory"));
		this.contextRunner.withPropertyValues("eventstore.persist-path=" + directory).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("is a directory");
			EventStoreConfigurationException failure = StartupFailures
				.configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventstore.persist-path");
			FailureAnalysis analysis = new EventStoreFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: eventstore.persist-path")
				.contains("Value: " + directory)
				.contains("is a directory");
			assertThat(analysis.getAction()).contains("eventstore.persist-path");
		});
	}

	@Test
	void lockedJournalFailsStartUpNamingThePropertyAndTheLock() {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore holder = EventStore.open(journal)) {
			assertThat(holder.status().open()).isTrue();
			this.contextRunner.withPropertyValues("eventstore.persist-path=" + journal).run((context) -> {
				assertThat(context).hasFailed();
				EventStoreConfigurationException failure = StartupFailures
					.configurationFailure(context.getStartupFailure());
				assertThat(failure).hasMessageContaining("eventstore.persist-path=" + journal)
					.hasMessageContaining("locked by another EventStore");
			});
		}
	}

	@Test
	void segmentSizeKeepsTheJournalAsADirectoryOfSegments() throws IOException {
		Path journal = this.dir.resolve("events");
		this.contextRunner.withPropertyValues("eventstore.persist-path=" + journal, "eventstore.segment-size=1KB")
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				for (int i = 0; i < 30; i++) {
					store.append("s", NewEvent.of("E", Map.of("i", i, "pad", "x".repeat(60))));
				}
				assertThat(store.readStream("s")).hasSize(30);
			});
		assertThat(journal).isDirectory();
		try (java.util.stream.Stream<Path> files = Files.list(journal)) {
			assertThat(files.filter((file) -> file.toString().endsWith(".index"))).hasSizeGreaterThan(2);
		}
	}

	@Test
	void segmentSizeOutOfRangeFailsStartUpNamingTheProperty() {
		Path journal = this.dir.resolve("events");
		this.contextRunner.withPropertyValues("eventstore.persist-path=" + journal, "eventstore.segment-size=2GB")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventStoreConfigurationException failure = StartupFailures
					.configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventstore.segment-size");
				assertThat(failure).hasMessageContaining("segment size must be 1 byte to 1 GiB");
				assertThat(new EventStoreFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
					.contains("eventstore.segment-size", "64MB");
			});
		assertThat(journal).doesNotExist();
	}

	@Test
	void nonPositiveFsyncIntervalFailsStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
					"eventstore.fsync=interval", "eventstore.fsync-interval=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(StartupFailures.configurationFailure(context.getStartupFailure()).property())
					.isEqualTo("eventstore.fsync-interval");
			});
	}

	@Test
	void defaultValuesAreConsistent() {
		EventStoreProperties properties = new EventStoreProperties();
		try (EventStore store = EventStore.builder().persistPath(this.dir.resolve("defaults.ndjson")).build()) {
			assertThat(store.status().details()).containsEntry("fsync", properties.getFsync().name());
		}
		assertThat(properties.getFsync()).isEqualTo(FsyncPolicy.ALWAYS);
		assertThat(properties.getFsyncInterval())
			.isEqualTo(dev.eventstore.journal.file.FileJournal.DEFAULT_FSYNC_INTERVAL);
		assertThat(properties.isPublishEvents()).isTrue();
		assertThat(properties.getPersistPath()).isNull();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		EventStore userStore() {
			return EventStore.inMemory();
		}

	}

	@dev.eventstore.types.EventType(value = "CartOpened", revision = 2)
	record CartOpened(String owner) {
	}

	@Test
	void userEventTypesAndUpcasterBeansReachTheStore() {
		this.contextRunner.withBean(EventTypes.class, () -> EventTypes.of(CartOpened.class))
			.withBean("renameName", dev.eventstore.upcasting.Upcaster.class,
					() -> dev.eventstore.upcasting.Upcaster.of("CartOpened", 1, (data) -> {
						data.set("owner", data.remove("name"));
						return data;
					}))
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("cart-1", NewEvent.of("CartOpened", Map.of("name", "ann")));
				assertThat(store.readStream("cart-1").get(0).payload()).isEqualTo(new CartOpened("ann"));
			});
	}

	@Test
	void aTypeWhoseRevisionHasNoUpcasterFailsStartUpNamingIt() {
		this.contextRunner.withBean(EventTypes.class, () -> EventTypes.of(CartOpened.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("no upcaster of 'CartOpened' reads revision 1"));
	}

	@Test
	void typedListenersReceiveThePayloadWithAndWithoutItsEnvelope() {
		this.contextRunner
			.withBean(EventTypes.class, () -> EventTypes.builder().register("Opened", Opened.class).build())
			.withUserConfiguration(TypedListeners.class)
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("cart-7", NewEvent.of("Opened", Map.of("owner", "bob"), Map.of("by", "test")));
				store.append("cart-7", NewEvent.of("Untyped", Map.of()));
				assertThat(context.getBean(TypedListeners.class).heard).containsExactly("payload Opened[owner=bob]",
						"envelope 1 cart-7 v1 bob by=test", "every Opened", "every Untyped");
			});
	}

	record Opened(String owner) {
	}

	static class TypedListeners {

		final java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();

		@org.springframework.context.event.EventListener
		@org.springframework.core.annotation.Order(1)
		void on(Opened opened) {
			this.heard.add("payload " + opened);
		}

		@org.springframework.context.event.EventListener
		@org.springframework.core.annotation.Order(2)
		void onEnvelope(dev.eventstore.spring.boot.events.StoredApplicationEvent<Opened> event) {
			this.heard.add("envelope " + event.position() + " " + event.streamId() + " v" + event.version() + " "
					+ event.getPayload().owner() + " by=" + event.metadata().get("by"));
		}

		@org.springframework.context.event.EventListener
		@org.springframework.core.annotation.Order(3)
		void onEvery(dev.eventstore.spring.boot.events.StoredApplicationEvent<?> event) {
			this.heard.add("every " + event.event().type());
		}

	}

	@dev.eventstore.types.EventType("PriceChanged")
	record PriceChanged(String skuCode, java.math.BigDecimal newPrice) {
	}

	@Test
	void theApplicationsJsonMapperWritesAndReadsPayloads() {
		this.contextRunner
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.withBean(EventTypes.class, () -> EventTypes.of(PriceChanged.class))
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				PriceChanged changed = new PriceChanged("A-1", new java.math.BigDecimal("19.990"));
				StoredEvent stored = store.append("prices", NewEvent.of(changed));
				assertThat(stored.data()).containsOnlyKeys("sku_code", "new_price");
				assertThat(store.readStream("prices").get(0).payload()).isEqualTo(changed);
			});
	}

	@Test
	void jsonMapperCustomizersApplyToPayloadsToo() {
		this.contextRunner
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class))
			.withBean(org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer.class,
					() -> (builder) -> builder
						.propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.KEBAB_CASE))
			.withBean(EventTypes.class, () -> EventTypes.of(PriceChanged.class))
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				StoredEvent stored = store.append("prices",
						NewEvent.of(new PriceChanged("B-2", java.math.BigDecimal.ONE)));
				assertThat(stored.data()).containsOnlyKeys("sku-code", "new-price");
				assertThat(store.readStream("prices").get(0).payload(PriceChanged.class).skuCode()).isEqualTo("B-2");
			});
	}

	@Test
	void aFileJournalPropertyWithThePostgresJournalFailsStartUpNamingBoth() {
		this.contextRunner.withPropertyValues("eventstore.journal=postgres", "eventstore.fsync=never")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).rootCause()
					.hasMessageContaining("eventstore.fsync configures the file journal")
					.hasMessageContaining("eventstore.journal=postgres");
				assertThat(new EventStoreFailureAnalyzer().analyze(failure).getAction())
					.contains("Remove one of eventstore.fsync and eventstore.journal");
			});
	}

	@Test
	void aPostgresPropertyWithTheFileJournalFailsStartUpNamingBoth() {
		this.contextRunner.withPropertyValues("eventstore.postgres.table-prefix=app_").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("eventstore.postgres.table-prefix configures the PostgreSQL journal")
				.hasMessageContaining("eventstore.journal=file (the default)");
		});
	}

	@Test
	void theFailureAnalysisAdvisesForThePropertyThatFailed() {
		EventStoreFailureAnalyzer analyzer = new EventStoreFailureAnalyzer();
		java.util.function.Function<String, String> actionFor = (property) -> analyzer
			.analyze(new EventStoreConfigurationException(property, "x", new IllegalStateException("boom")))
			.getAction();
		assertThat(actionFor.apply("eventstore.persist-path")).contains("writable file");
		assertThat(actionFor.apply("eventstore.fsync-interval")).contains("positive duration");
		assertThat(actionFor.apply("eventstore.postgres.table-prefix")).contains("lower-case letters");
		assertThat(actionFor.apply("eventstore.journal")).contains("DataSource").doesNotContain("writable file");
	}

}
