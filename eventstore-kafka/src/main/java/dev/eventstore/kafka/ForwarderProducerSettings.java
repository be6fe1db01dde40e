package dev.eventstore.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The producer settings the forwarder needs to lose nothing and keep each stream's order:
 * every in-sync replica acknowledges ({@code acks=all}), the producer is idempotent (a
 * retried batch is written once and never overtakes the one before it), at most 5
 * requests in flight (the most idempotence keeps in order), retries on; string keys and
 * byte values. Settings of the application's that contradict them are refused, naming
 * them, rather than silently overridden.
 */
final class ForwarderProducerSettings {

	private ForwarderProducerSettings() {
	}

	static Map<String, Object> apply(Map<String, Object> application) {
		List<String> conflicts = new ArrayList<>();
		Object acks = application.get(ProducerConfig.ACKS_CONFIG);
		if (acks != null && !acks.toString().equals("all") && !acks.toString().equals("-1")) {
			conflicts.add("acks=" + acks + " (needs all)");
		}
		Object idempotence = application.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
		if (idempotence != null && !Boolean.parseBoolean(idempotence.toString())) {
			conflicts.add("enable.idempotence=" + idempotence + " (needs true)");
		}
		Object inFlight = application.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
		if (inFlight != null && number(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, inFlight) > 5) {
			conflicts.add("max.in.flight.requests.per.connection=" + inFlight + " (needs at most 5)");
		}
		Object retries = application.get(ProducerConfig.RETRIES_CONFIG);
		if (retries != null && number(ProducerConfig.RETRIES_CONFIG, retries) < 1) {
			conflicts.add("retries=" + retries + " (needs at least 1)");
		}
		Object transactionalId = application.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		if (transactionalId != null) {
			conflicts.add("transactional.id=" + transactionalId + " (the forwarder's producer is not transactional)");
		}
		if (!conflicts.isEmpty()) {
			throw new IllegalStateException("The Kafka forwarder cannot lose nothing and keep each stream's order with "
					+ "the producer settings " + String.join(", ", conflicts)
					+ ": remove them from spring.kafka.producer.* or set eventstore.kafka.enabled=false");
		}
		Map<String, Object> settings = new HashMap<>(application);
		settings.put(ProducerConfig.ACKS_CONFIG, "all");
		settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		settings.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
		settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		return settings;
	}

	static DefaultKafkaProducerFactory<String, byte[]> factory(Map<String, Object> application) {
		DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(apply(application));
		// A flush that gives up resets the factory: what is still queued is dropped at
		// once (the processor sends it again, after anything already on the wire).
		factory.setPhysicalCloseTimeout(0);
		return factory;
	}

	private static long number(String name, Object value) {
		try {
			return Long.parseLong(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("The Kafka producer setting " + name + "='" + value + "' is not a number",
					ex);
		}
	}

}
