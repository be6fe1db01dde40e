package dev.eventstore.spring.boot.health;

import dev.eventstore.kafka.KafkaForwarder;
import dev.eventstore.kafka.KafkaForwarderStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the Kafka forwarder: DOWN while the broker does not acknowledge what was sent
 * (an outage, a refused record), with why and since when; UP otherwise. Details: the last
 * acknowledged position and the records in flight. The processor's own state and lag are
 * in the {@code eventProcessors} contributor.
 *
 * @since 0.2.0
 */
public class KafkaForwarderHealthIndicator extends AbstractHealthIndicator {

	private final KafkaForwarder forwarder;

	public KafkaForwarderHealthIndicator(KafkaForwarder forwarder) {
		super("Kafka forwarder health check failed");
		this.forwarder = forwarder;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		KafkaForwarderStatus status = this.forwarder.status();
		builder.withDetail("acknowledged", status.acknowledged()).withDetail("inFlight", status.inFlight());
		if (status.lastError() != null) {
			builder.withDetail("lastError", status.lastError());
		}
		if (status.failingSince() != null) {
			builder.withDetail("failingSince", status.failingSince().toString()).down();
		}
		else {
			builder.up();
		}
	}

}
