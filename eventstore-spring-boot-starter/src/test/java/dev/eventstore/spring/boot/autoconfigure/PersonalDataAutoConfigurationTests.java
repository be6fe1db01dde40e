package dev.eventstore.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.spring.boot.autoconfigure.health.EventStoreHealthContributorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.metrics.EventStoreMetricsAutoConfiguration;
import dev.eventstore.spring.boot.health.EventStoreHealthIndicator;
import dev.eventstore.spring.boot.metrics.EventStoreMetrics;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eventstore.personal-data.*}: a master key turns protection on, keys go beside
 * the journal, and a misconfiguration fails start-up naming the property, never the key.
 */
@ExtendWith(OutputCaptureExtension.class)
class PersonalDataAutoConfigurationTests {

	static final String MASTER_KEY = Base64.getEncoder()
		.encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String email) {
	}

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreAutoConfiguration.class,
				EventStoreMetricsAutoConfiguration.class, EventStoreHealthContributorAutoConfiguration.class))
		.withBean(EventTypes.class, () -> EventTypes.of(CustomerRegistered.class));

	@TempDir
	Path dir;

	@Test
	void aMasterKeyProtectsPersonalDataWithKeysBesideTheJournal() {
		Path journal = this.dir.resolve("data/events.ndjson");
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("eventstore.persist-path=" + journal,
					"eventstore.personal-data.master-key=" + MASTER_KEY)
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org")));
				assertThat(Files.readString(journal)).doesNotContain("alice@example.org").contains("pd1:");
				assertThat(store.readStream("customer-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", "alice@example.org"));
				assertThat(this.dir.resolve("data/events.ndjson.keys")).isDirectory();
				Health health = context.getBean(EventStoreHealthIndicator.class).health(true);
				assertThat(health.getDetails()).containsEntry("personalDataSubjects", 1L)
					.containsEntry("personalDataKeys", this.dir.resolve("data/events.ndjson.keys").toString());
				assertThat(health.getDetails().toString()).doesNotContain(MASTER_KEY);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(EventStoreMetrics.class).bindTo(registry);
				assertThat(store.erasePersonalData("c-1")).isTrue();
				assertThat(registry.get("eventstore.personal-data.erasures").functionCounter().count()).isEqualTo(1);
				assertThat(store.readStream("customer-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", null));
			});
	}

	@Test
	void anInMemoryStoreKeepsItsKeysInMemory() {
		this.contextRunner.withPropertyValues("eventstore.personal-data.master-key=" + MASTER_KEY).run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org")));
			assertThat(store.status().details()).containsEntry("personalDataKeys", "memory");
		});
	}

	@Test
	void aPersonalDataTypeWithoutAMasterKeyFailsStartUpNamingTheClassAndTheProperty() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			EventStoreConfigurationException failure = StartupFailures
				.configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventstore.personal-data.master-key");
			assertThat(failure).rootCause()
				.hasMessageContaining(CustomerRegistered.class.getName())
				.hasMessageContaining("eventstore.personal-data.master-key");
		});
	}

	@Test
	void aMasterKeyOfTheWrongLengthFailsStartUpWithoutShowingIt(CapturedOutput output) {
		String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
		this.contextRunner.withPropertyValues("eventstore.personal-data.master-key=" + shortKey).run((context) -> {
			assertThat(context).hasFailed();
			EventStoreConfigurationException failure = StartupFailures
				.configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventstore.personal-data.master-key");
			assertThat(failure.value()).isEqualTo("(hidden)");
			FailureAnalysis analysis = new EventStoreFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("must be 32 bytes").doesNotContain(shortKey);
		});
		assertThat(output).doesNotContain(shortKey);
	}

	@Test
	void aWrongMasterKeyForExistingKeysFailsStartUp() {
		Path journal = this.dir.resolve("data/events.ndjson");
		this.contextRunner
			.withPropertyValues("eventstore.persist-path=" + journal,
					"eventstore.personal-data.master-key=" + MASTER_KEY)
			.run((context) -> context.getBean(EventStore.class)
				.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org"))));
		String other = Base64.getEncoder().encodeToString(new byte[32]);
		this.contextRunner
			.withPropertyValues("eventstore.persist-path=" + journal, "eventstore.personal-data.master-key=" + other)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("key check value");
			});
	}

	@Test
	void enabledWithoutAMasterKeyFailsStartUp() {
		this.contextRunner.withPropertyValues("eventstore.personal-data.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(StartupFailures.configurationFailure(context.getStartupFailure()).property())
				.isEqualTo("eventstore.personal-data.master-key");
		});
	}

	@Test
	void aProtectionBeanOfTheApplicationsIsUsed() {
		PersonalDataProtection protection = PersonalDataProtection.of(Base64.getDecoder().decode(MASTER_KEY),
				new InMemorySubjectKeyStore());
		this.contextRunner.withBean(PersonalDataProtection.class, () -> protection).run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org")));
			assertThat(protection.keyStore().size()).isEqualTo(1);
		});
	}

	@Test
	void aListenersFailureIsLoggedWithoutTheEventsPersonalValues(CapturedOutput output) {
		this.contextRunner.withBean(MailingListener.class)
			.withPropertyValues("eventstore.personal-data.master-key=" + MASTER_KEY)
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org")));
				assertThat(context.getBean(MailingListener.class).heard).isEqualTo(1);
			});
		assertThat(output).contains("Listener failed on stored event at position 1")
			.contains("java.lang.IllegalStateException: no mailbox for [personal data]")
			.doesNotContain("alice@example.org");
	}

	static class MailingListener {

		int heard;

		@EventListener
		void on(CustomerRegistered registered) {
			this.heard++;
			throw new IllegalStateException("no mailbox for " + registered.email());
		}

	}

}
