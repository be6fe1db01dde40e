package dev.eventstore.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with its {@code kafka} profile against a real broker: a cart's events reach
 * the topic over HTTP, each a CloudEvents record keyed by the cart's stream, and the
 * forwarder is one of the processors of the actuator endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("kafka")
class KafkaProfileEndToEndTests extends SampleEndToEndTest {

	private static final EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 2);

	@DynamicPropertySource
	static void kafka(DynamicPropertyRegistry registry) {
		broker.afterPropertiesSet();
		registry.add("spring.kafka.bootstrap-servers", broker::getBrokersAsString);
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@Test
	void aCartsEventsReachTheTopicInOrderAsCloudEventsAndTheForwarderIsAProcessor() {
		this.api.addItem("kafka-1", "apple", 2);
		this.api.addItem("kafka-1", "pear", 1);
		assertThat(this.api.checkout("kafka-1", null).getStatusCode().value()).isEqualTo(200);

		List<ConsumerRecord<String, byte[]>> records = consume(3);
		assertThat(records).extracting(ConsumerRecord::key).containsOnly("cart-kafka-1");
		assertThat(records).extracting((record) -> header(record, "ce_type"))
			.containsExactly("ItemAdded", "ItemAdded", "CartCheckedOut");
		assertThat(records).extracting((record) -> header(record, "ce_source")).containsOnly("eventstore-sample");
		assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).contains("\"sku\":\"apple\"");

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<JsonNode> processors = new ArrayList<>();
			this.api.get("/actuator/eventprocessors").getBody().get("processors").forEach(processors::add);
			assertThat(processors).anySatisfy((p) -> {
				assertThat(p.get("name").asString()).isEqualTo("kafka-forwarder");
				assertThat(p.get("lag").asLong()).isZero();
			});
		});
		assertThat(this.api.get("/actuator/health").getBody().at("/components/kafkaForwarder/status").asString())
			.isEqualTo("UP");
	}

	private static List<ConsumerRecord<String, byte[]>> consume(int count) {
		List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				KafkaTestUtils.consumerProps(broker.getBrokersAsString(), "sample-test"), new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of("cart-events"));
			KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(30), count).forEach(all::add);
		}
		return all;
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}
