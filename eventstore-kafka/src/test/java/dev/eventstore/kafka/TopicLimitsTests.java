package dev.eventstore.kafka;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.ProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic's limit when the cluster cannot be asked: the producer's own, without waiting
 * longer than the timeout.
 */
class TopicLimitsTests {

	@Test
	void aClusterThatCannotBeAskedGivesTheProducersOwnLimitWithinTheTimeout() {
		TopicLimits limits = new TopicLimits(Map.of("bootstrap.servers", "localhost:9", "max.request.size", "2097152"),
				Duration.ofMillis(300));

		long started = System.nanoTime();
		assertThat(limits.maxRecordBytes("events")).isEqualTo(2_097_152);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(limits.maxRecordBytes("events")).as("and again").isEqualTo(2_097_152);
	}

	@Test
	void withoutAProducerLimitKafkasDefaultApplies() {
		TopicLimits limits = new TopicLimits(Map.of("bootstrap.servers", "localhost:9"), Duration.ofMillis(100));

		assertThat(limits.maxRecordBytes("events")).isEqualTo(1_048_576);
	}

	@Test
	void aProducerFactoryThatDoesNotTellItsSettingsLeavesRecordsUnmeasured() {
		ProducerFactory<String, byte[]> factory = () -> {
			throw new UnsupportedOperationException("no producers here");
		};

		assertThat(TopicLimits.of(factory).maxRecordBytes("events")).isEqualTo(Integer.MAX_VALUE);
	}

}
