package dev.eventstore.spring.boot.autoconfigure.kafka;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.kafka.KafkaForwarder;
import dev.eventstore.kafka.KafkaForwarderSettings;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreProperties;
import dev.eventstore.spring.boot.health.KafkaForwarderHealthIndicator;
import dev.eventstore.spring.boot.processor.EventProcessor;
import dev.eventstore.spring.boot.processor.ProcessorSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Auto-configures the Kafka forwarder when {@code eventstore.kafka.enabled=true} and
 * Spring Kafka is on the class path: the durable processor {@value KafkaForwarder#NAME}
 * sends every stored event to Kafka with a producer of the application's
 * {@code spring.kafka.*} settings plus those that keep order and lose nothing (start-up
 * fails naming any setting that contradicts them), and the {@code kafkaForwarder} health
 * contributor reports it. The processor's defaults suit a forwarder and yield to
 * {@code eventstore.processors.kafka-forwarder.*}: a checkpoint every 5,000 events or
 * second, and retries without end (1 s growing to 30 s), so that it resumes by itself
 * when the broker returns.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { EventStoreAutoConfiguration.class, KafkaAutoConfiguration.class },
		before = EventProcessorAutoConfiguration.class)
@ConditionalOnClass({ KafkaForwarder.class, KafkaTemplate.class, KafkaProperties.class })
@ConditionalOnBooleanProperty("eventstore.kafka.enabled")
@ConditionalOnBean(EventStore.class)
@EnableConfigurationProperties({ EventStoreKafkaProperties.class, KafkaProperties.class })
public final class EventStoreKafkaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@EventProcessor(KafkaForwarder.NAME)
	KafkaForwarder kafkaForwarder(KafkaForwarderProducer producer, EventStoreKafkaProperties properties,
			EventStoreProperties store, Environment environment) {
		// The forwarder's defaults, under whatever the application configured for it; put
		// where the processors read their settings, before they are built.
		ProcessorSettings defaults = new ProcessorSettings();
		defaults.setCheckpointEvery(5_000);
		defaults.setCheckpointInterval(Duration.ofSeconds(1));
		defaults.getRetry().setMaxAttempts(Integer.MAX_VALUE);
		defaults.getRetry().setInitialDelay(Duration.ofSeconds(1));
		defaults.getRetry().setMaxDelay(Duration.ofSeconds(30));
		Binder.get(environment).bind("eventstore.processors." + KafkaForwarder.NAME, Bindable.ofInstance(defaults));
		store.getProcessors().put(KafkaForwarder.NAME, defaults);
		String source = (properties.getSource() != null) ? properties.getSource()
				: environment.getProperty("spring.application.name", "eventstore");
		return new KafkaForwarder(producer.template(),
				new KafkaForwarderSettings(properties.getTopic(), properties.getTopics(),
						new LinkedHashSet<>(properties.getTypes()), source, properties.getAckTimeout()));
	}

	@Bean
	KafkaForwarderProducer kafkaForwarderProducer(KafkaProperties kafka,
			ObjectProvider<KafkaConnectionDetails> connectionDetails) {
		Map<String, Object> settings = kafka.buildProducerProperties();
		KafkaConnectionDetails details = connectionDetails.getIfAvailable();
		if (details != null) {
			settings.put("bootstrap.servers", String.join(",", details.getProducer().getBootstrapServers()));
		}
		return new KafkaForwarderProducer(KafkaForwarder.producerFactory(settings));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("kafkaforwarder")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "kafkaForwarderHealthIndicator")
		KafkaForwarderHealthIndicator kafkaForwarderHealthIndicator(KafkaForwarder forwarder) {
			return new KafkaForwarderHealthIndicator(forwarder);
		}

	}

	/**
	 * The forwarder's own producer. Not a {@link ProducerFactory} or
	 * {@link KafkaTemplate} bean: one would replace those Spring Boot gives the
	 * application. Closed with the context.
	 */
	static final class KafkaForwarderProducer implements AutoCloseable {

		private final ProducerFactory<String, byte[]> factory;

		private final KafkaTemplate<String, byte[]> template;

		KafkaForwarderProducer(ProducerFactory<String, byte[]> factory) {
			this.factory = factory;
			this.template = new KafkaTemplate<>(factory);
		}

		KafkaTemplate<String, byte[]> template() {
			return this.template;
		}

		@Override
		public void close() {
			this.factory.reset();
		}

	}

}
