package dev.eventstore.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * The Kafka forwarder (#27) against a bare KafkaTemplate loop sending the same records,
 * in turns.
 */
final class KafkaRows extends RowGroup {

	KafkaRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
		int events = this.settings.journalEvents();
		try (KafkaScenarios kafka = new KafkaScenarios(events)) {
			// A warm-up of each, then in turns, twice each (the broker shares the 2
			// cores).
			kafka.bareLoop();
			kafka.forwarder();
			double[] bare = new double[4];
			double[] forwarded = new double[4];
			for (int i = 0; i < 4; i += 2) {
				bare[i] = kafka.bareLoop();
				bare[i + 1] = kafka.bareLoop();
				forwarded[i] = kafka.forwarder();
				forwarded[i + 1] = kafka.forwarder();
			}
			System.out.printf(Locale.ROOT, "kafka runs: bare %s, forwarder %s events/s%n", Arrays.toString(bare),
					Arrays.toString(forwarded));
			Measurement.Result loop = Measurement.Result.of(Arrays.stream(bare).average().orElseThrow());
			String size = String.format(Locale.ROOT, "%,d events", events);
			row("kafka: bare KafkaTemplate loop, same records, " + size + " (mean of 4)", 1, loop, "events/s", null,
					Double.NaN, "");
			row("store: kafka-forwarder to its checkpoint, " + size + " (mean of 4)", 1,
					Measurement.Result.of(Arrays.stream(forwarded).average().orElseThrow()), "events/s",
					"bare KafkaTemplate loop", loop.opsPerSecond(), ">= 0.7");
		}
	}

}
