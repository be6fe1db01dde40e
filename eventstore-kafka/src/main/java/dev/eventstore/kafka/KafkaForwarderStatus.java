package dev.eventstore.kafka;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link KafkaForwarder} fares.
 *
 * @param acknowledged the position of the last event the broker acknowledged, with every
 * forwarded event before it; 0 before the first
 * @param inFlight records sent and not yet acknowledged
 * @param lastError why the last flush failed, null once one succeeds again
 * @param failingSince when the flushes started failing, null while they succeed
 * @since 0.2.0
 */
public record KafkaForwarderStatus(long acknowledged, long inFlight, @Nullable String lastError,
		@Nullable Instant failingSince) {

	/** Whether the broker acknowledges what is sent. */
	public boolean isHealthy() {
		return this.failingSince == null;
	}

}
