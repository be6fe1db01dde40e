package dev.eventstore.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.KafkaTemplate;

/** Reading a topic back, and a forwarder's producer, for the tests. */
final class Topics {

	private Topics() {
	}

	static KafkaTemplate<String, byte[]> template(String bootstrap) {
		return new KafkaTemplate<>(KafkaForwarder.producerFactory(Map.of("bootstrap.servers", bootstrap)));
	}

	/**
	 * Every record of the topic, in each partition's order, once at least {@code atLeast}
	 * distinct event ids were read and the topic has been quiet for a moment.
	 */
	static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int atLeast, Duration timeout) {
		Map<String, Object> settings = new HashMap<>();
		settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		settings.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
		settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(topic));
			long deadline = System.nanoTime() + timeout.toNanos();
			int quiet = 0;
			while (System.nanoTime() < deadline && (ids.size() < atLeast || quiet < 2)) {
				int before = all.size();
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
					all.add(record);
					ids.add(header(record, CloudEventRecords.ID));
				}
				quiet = (all.size() == before) ? quiet + 1 : 0;
			}
		}
		return all;
	}

	static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "";
	}

	static String json(Object value) {
		return JsonMapper.builder().build().writeValueAsString(value);
	}

	static long position(ConsumerRecord<?, ?> record) {
		return Long.parseLong(header(record, CloudEventRecords.POSITION));
	}

}
