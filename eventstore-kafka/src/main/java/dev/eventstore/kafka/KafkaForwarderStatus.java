package dev.eventstore.kafka;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link KafkaForwarder} fares.
 *
 * @param acknowledged the position of the last event the broker acknowledged, with every
 * forwarded event before it (of a segmented processor, the least of its segments'); 0
 * before the first
 * @param inFlight records sent and not yet acknowledged
 * @param lastError why forwarding fails (the last flush failed, or records wait longer
 * than the acknowledgement timeout), null while it succeeds
 * @param failingSince since when it fails, null while it succeeds
 * @since 0.2.0
 */
public record KafkaForwarderStatus(long acknowledged, long inFlight, @Nullable String lastError,
		@Nullable Instant failingSince) {

	/** Whether the broker acknowledges what is sent. */
	public boolean isHealthy() {
		return this.failingSince == null;
	}

}
