package dev.eventstore.spring.boot.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.kafka.CloudEventRecords;
import dev.eventstore.kafka.KafkaForwarder;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorOwnership;
import dev.eventstore.spring.boot.actuate.EventProcessorsEndpoint;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreProperties;
import dev.eventstore.spring.boot.autoconfigure.actuate.EventProcessorsEndpointAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.kafka.EventStoreKafkaAutoConfiguration;
import dev.eventstore.spring.boot.processor.EventProcessors;
import dev.eventstore.spring.boot.processor.ProcessorInfrastructure;
import dev.eventstore.spring.boot.processor.ProcessorSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventStoreKafkaAutoConfigurationTests {

	private static EmbeddedKafkaKraftBroker broker;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventStoreAutoConfiguration.class, KafkaAutoConfiguration.class,
				EventStoreKafkaAutoConfiguration.class, EventProcessorAutoConfiguration.class,
				EventProcessorsEndpointAutoConfiguration.class))
		.withPropertyValues("spring.application.name=shop");

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 2);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@Test
	void noForwarderUnlessEnabled() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(KafkaForwarder.class);
			assertThat(context.getBean(EventProcessors.class).find(KafkaForwarder.NAME)).isEmpty();
		});
	}

	@Test
	void noForwarderWithoutSpringKafkaEvenWhenEnabled() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.withPropertyValues("eventstore.kafka.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KafkaForwarder.class));
	}

	@Test
	void enabledItForwardsStoredEventsAndShowsAsAProcessorInTheEndpointAndInHealth() {
		this.contextRunner
			.withPropertyValues("eventstore.kafka.enabled=true", "eventstore.kafka.topic=starter-events",
					"management.endpoints.web.exposure.include=eventprocessors",
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString())
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(KafkaForwarder.class);
				// Spring Boot's own template is still the application's.
				assertThat(context).hasSingleBean(KafkaTemplate.class);
				EventStore store = context.getBean(EventStore.class);
				for (int i = 0; i < 50; i++) {
					store.append("cart-" + (i % 5), NewEvent.of("ItemAdded", Map.of("i", i)));
				}
				Processor processor = context.getBean(EventProcessors.class).find(KafkaForwarder.NAME).orElseThrow();
				await().atMost(Duration.ofSeconds(30)).until(() -> processor.status().checkpoint() == 50);
				assertThat(context.getBean(EventProcessorsEndpoint.class).processors().processors())
					.anySatisfy((p) -> assertThat(p.name()).isEqualTo("kafka-forwarder"));
				assertThat(context.getBean("kafkaForwarderHealthIndicator", HealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP);

				List<ConsumerRecord<String, byte[]>> records = consume("starter-events", 50);
				assertThat(records).hasSize(50);
				assertThat(records)
					.allSatisfy((record) -> assertThat(new String(record.headers().lastHeader("ce_source").value(),
							java.nio.charset.StandardCharsets.UTF_8))
						.isEqualTo("shop"));
				assertThat(records).extracting((record) -> record.headers().lastHeader(CloudEventRecords.TYPE))
					.allSatisfy((header) -> assertThat(new String(header.value(), StandardCharsets.UTF_8))
						.isEqualTo("ItemAdded"));
			});
	}

	@Test
	void producerSettingsThatCouldLoseOrReorderEventsFailStartUpNamingThem() {
		this.contextRunner
			.withPropertyValues("eventstore.kafka.enabled=true", "spring.kafka.producer.acks=1",
					"spring.kafka.producer.properties.enable.idempotence=false",
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("acks=1 (needs all)")
				.hasMessageContaining("enable.idempotence=false (needs true)"));
	}

	@Test
	void theForwardersDefaultsYieldToTheApplicationsSettings() {
		this.contextRunner
			.withPropertyValues("eventstore.kafka.enabled=true",
					"eventstore.processors.kafka-forwarder.checkpoint-every=7",
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ProcessorSettings settings = context.getBean(EventStoreProperties.class)
					.getProcessors()
					.get(KafkaForwarder.NAME);
				assertThat(settings.getCheckpointEvery()).isEqualTo(7);
				assertThat(settings.getRetry().getMaxAttempts()).isEqualTo(Integer.MAX_VALUE);
				assertThat(settings.getRetry().getMaxDelay()).isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void withTransactionalCheckpointsTheForwarderSavesItsOwnOutsideTheHandlersTransactions() {
		this.contextRunner
			.withPropertyValues("eventstore.kafka.enabled=true",
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString())
			.withUserConfiguration(TransactionalInfrastructure.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(EventProcessors.class).find(KafkaForwarder.NAME)).isPresent();
			});
	}

	private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
		List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "starter-test"), new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(topic));
			KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(30), count).forEach(all::add);
		}
		return all;
	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionalInfrastructure {

		@Bean
		ProcessorInfrastructure processorInfrastructure() {
			CheckpointStore transactional = new CheckpointStore() {

				private final CheckpointStore memory = CheckpointStore.inMemory();

				@Override
				public Optional<Checkpoint> load(String processor) {
					return this.memory.load(processor);
				}

				@Override
				public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
					this.memory.save(processor, expected, next);
				}

				@Override
				public boolean isTransactional() {
					return true;
				}

			};
			return new ProcessorInfrastructure(transactional, ProcessorOwnership.local(), Runnable::run);
		}

	}

}
