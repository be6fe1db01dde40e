package dev.eventstore.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.eventstore.StoredEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** What a topic holds of a log: the checks every forwarding proof makes. */
final class Forwarded {

	private final List<ConsumerRecord<String, byte[]>> records;

	Forwarded(List<ConsumerRecord<String, byte[]>> records) {
		this.records = records;
	}

	/** Records beyond the first of each event id. */
	int duplicates() {
		Set<String> seen = new HashSet<>();
		int duplicates = 0;
		for (ConsumerRecord<String, byte[]> record : this.records) {
			if (!seen.add(Topics.header(record, CloudEventRecords.ID))) {
				duplicates++;
			}
		}
		return duplicates;
	}

	/**
	 * Every event of the log is there, and the first copy of each stream's events came in
	 * version order.
	 */
	void holdsEveryEventOf(List<StoredEvent> log) {
		Set<String> ids = new HashSet<>();
		Map<String, List<Long>> firstVersions = new HashMap<>();
		for (ConsumerRecord<String, byte[]> record : this.records) {
			if (ids.add(Topics.header(record, CloudEventRecords.ID))) {
				firstVersions.computeIfAbsent(record.key(), (k) -> new ArrayList<>())
					.add(Long.parseLong(Topics.header(record, CloudEventRecords.STREAM_VERSION)));
			}
		}
		assertThat(ids).containsAll(log.stream().map((event) -> event.id().toString()).toList());
		Map<String, List<Long>> expected = new HashMap<>();
		for (StoredEvent event : log) {
			expected.computeIfAbsent(event.streamId(), (k) -> new ArrayList<>()).add(event.version());
		}
		assertThat(firstVersions).isEqualTo(expected);
	}

}
