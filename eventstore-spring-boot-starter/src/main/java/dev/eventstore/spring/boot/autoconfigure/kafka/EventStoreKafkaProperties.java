package dev.eventstore.spring.boot.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Kafka forwarder, under {@code eventstore.kafka}. The producer
 * itself is configured as the application's, under {@code spring.kafka.*}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("eventstore.kafka")
public class EventStoreKafkaProperties {

	/**
	 * Whether to forward every stored event to Kafka with the durable processor
	 * 'kafka-forwarder' (configured under eventstore.processors.kafka-forwarder).
	 */
	private boolean enabled = false;

	/** The topic of the events no mapping in 'topics' sends elsewhere. */
	private String topic = "eventstore.events";

	/**
	 * Topics by event type, or by stream category (a stream id up to its first '-'); a
	 * type's mapping wins over its category's.
	 */
	private Map<String, String> topics = new LinkedHashMap<>();

	/** The event types forwarded; empty forwards every type. */
	private List<String> types = new ArrayList<>();

	/**
	 * The CloudEvents source of every record (ce_source). Defaults to
	 * spring.application.name, else 'eventstore'.
	 */
	private @Nullable String source;

	/**
	 * How long records may wait for the broker's acknowledgement before the forwarder
	 * reports itself failing in health; it goes on waiting while the producer retries.
	 */
	private Duration ackTimeout = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getTopic() {
		return this.topic;
	}

	public void setTopic(String topic) {
		this.topic = topic;
	}

	public Map<String, String> getTopics() {
		return this.topics;
	}

	public void setTopics(Map<String, String> topics) {
		this.topics = topics;
	}

	public List<String> getTypes() {
		return this.types;
	}

	public void setTypes(List<String> types) {
		this.types = types;
	}

	public @Nullable String getSource() {
		return this.source;
	}

	public void setSource(@Nullable String source) {
		this.source = source;
	}

	public Duration getAckTimeout() {
		return this.ackTimeout;
	}

	public void setAckTimeout(Duration ackTimeout) {
		this.ackTimeout = ackTimeout;
	}

}
