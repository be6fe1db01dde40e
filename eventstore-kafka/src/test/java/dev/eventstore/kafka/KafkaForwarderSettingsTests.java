package dev.eventstore.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KafkaForwarderSettingsTests {

	@Test
	void aTopicThatKafkaWouldRefuseIsRefusedNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> new KafkaForwarderSettings("bad topic", Map.of(), Set.of(), "/app", Duration.ofSeconds(1)))
			.withMessageContaining("'bad topic' is not a Kafka topic name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KafkaForwarderSettings("ok", Map.of("Refunded", "a/b"), Set.of(), "/app",
					Duration.ofSeconds(1)))
			.withMessageContaining("topic of 'Refunded' 'a/b'");
		assertThatIllegalArgumentException().isThrownBy(
				() -> new KafkaForwarderSettings("x".repeat(250), Map.of(), Set.of(), "/app", Duration.ofSeconds(1)))
			.withMessageContaining("not a Kafka topic name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KafkaForwarderSettings("..", Map.of(), Set.of(), "/app", Duration.ofSeconds(1)));
	}

	@Test
	void aBlankSourceAndATimeoutThatIsNotPositiveAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KafkaForwarderSettings("t", Map.of(), Set.of(), " ", Duration.ofSeconds(1)))
			.withMessageContaining("source must not be blank");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KafkaForwarderSettings("t", Map.of(), Set.of(), "/app", Duration.ZERO))
			.withMessageContaining("must be positive");
	}

	@Test
	void producerSettingsThatCouldLoseOrReorderRecordsAreRefusedNamingEveryOne() {
		Map<String, Object> application = new HashMap<>();
		application.put("bootstrap.servers", "localhost:9092");
		application.put("acks", "1");
		application.put("enable.idempotence", "false");
		application.put("max.in.flight.requests.per.connection", 10);
		application.put("retries", "0");
		assertThatIllegalStateException().isThrownBy(() -> ForwarderProducerSettings.apply(application))
			.withMessageContaining("acks=1 (needs all)")
			.withMessageContaining("enable.idempotence=false (needs true)")
			.withMessageContaining("max.in.flight.requests.per.connection=10 (needs at most 5)")
			.withMessageContaining("retries=0 (needs at least 1)")
			.withMessageContaining("spring.kafka.producer.*");
	}

	@Test
	void aTransactionalProducerAndANumberThatIsNotOneAreRefusedNamingThem() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ForwarderProducerSettings.apply(Map.of("transactional.id", "tx-1")))
			.withMessageContaining("transactional.id=tx-1 (the forwarder's producer is not transactional)");
		assertThatIllegalStateException().isThrownBy(() -> ForwarderProducerSettings.apply(Map.of("retries", "many")))
			.withMessageContaining("The Kafka producer setting retries='many' is not a number");
	}

	@Test
	void compatibleSettingsAreKeptAndTheNeededOnesAdded() {
		Map<String, Object> application = Map.of("bootstrap.servers", "localhost:9092", "acks", "-1", "linger.ms", 20,
				"max.in.flight.requests.per.connection", "3");
		Map<String, Object> settings = ForwarderProducerSettings.apply(application);
		assertThat(settings).containsEntry("acks", "all")
			.containsEntry("enable.idempotence", true)
			.containsEntry("linger.ms", 20)
			.containsEntry("max.in.flight.requests.per.connection", "3")
			.containsEntry("bootstrap.servers", "localhost:9092");
		assertThat(ForwarderProducerSettings.apply(Map.of("bootstrap.servers", "b:1")))
			.containsEntry("max.in.flight.requests.per.connection", 5);
	}

}
