package dev.eventstore.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import dev.eventstore.StoredEvent;

/**
 * Where and what a {@link KafkaForwarder} sends. Immutable.
 *
 * @param topic the topic of every event no mapping names one for
 * @param topics topics by event type, or by stream category (the stream id up to its
 * first {@code '-'}: {@code order} for {@code order-123}); a type's mapping wins over its
 * category's
 * @param types the event types forwarded; empty forwards every type
 * @param source the CloudEvents {@code source} of every record, a URI reference such as
 * the application's name
 * @param ackTimeout how long records may wait for the broker's acknowledgement before the
 * forwarder reports itself failing (it goes on waiting while the producer retries)
 * @since 0.2.0
 */
public record KafkaForwarderSettings(String topic, Map<String, String> topics, Set<String> types, String source,
		Duration ackTimeout) {

	/** The topic by default: {@code eventstore.events}. */
	public static final String DEFAULT_TOPIC = "eventstore.events";

	// Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic).
	private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

	public KafkaForwarderSettings {
		checkTopic(topic, "topic");
		Objects.requireNonNull(topics, "topics");
		topics.forEach((key, value) -> checkTopic(value, "topic of '" + key + "'"));
		topics = Map.copyOf(topics);
		types = Set.copyOf(Objects.requireNonNull(types, "types"));
		Objects.requireNonNull(source, "source");
		if (source.isBlank()) {
			throw new IllegalArgumentException("The CloudEvents source must not be blank");
		}
		Objects.requireNonNull(ackTimeout, "ackTimeout");
		if (ackTimeout.isNegative() || ackTimeout.isZero()) {
			throw new IllegalArgumentException("The acknowledgement timeout must be positive, was " + ackTimeout);
		}
	}

	/**
	 * Every type to {@link #DEFAULT_TOPIC}, failing once acknowledgements take 10
	 * seconds.
	 * @param source the CloudEvents source
	 * @return the settings
	 */
	public static KafkaForwarderSettings of(String source) {
		return new KafkaForwarderSettings(DEFAULT_TOPIC, Map.of(), Set.of(), source, Duration.ofSeconds(10));
	}

	/** Whether events of this type are forwarded. */
	boolean forwards(String type) {
		return this.types.isEmpty() || this.types.contains(type);
	}

	/** The topic an event goes to. */
	String topicOf(StoredEvent event) {
		if (this.topics.isEmpty()) {
			return this.topic;
		}
		String byType = this.topics.get(event.type());
		if (byType != null) {
			return byType;
		}
		String stream = event.streamId();
		int dash = stream.indexOf('-');
		return this.topics.getOrDefault((dash > 0) ? stream.substring(0, dash) : stream, this.topic);
	}

	private static void checkTopic(String topic, String what) {
		Objects.requireNonNull(topic, what);
		if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
			throw new IllegalArgumentException("The " + what + " '" + topic
					+ "' is not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-')");
		}
	}

}
