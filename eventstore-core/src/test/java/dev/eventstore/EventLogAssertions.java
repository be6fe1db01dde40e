package dev.eventstore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on a whole log, shared by the contract suite and the crash tests. */
public final class EventLogAssertions {

	private EventLogAssertions() {
	}

	/** Positions run 1..n without gaps; each stream's versions run 1..k without gaps. */
	public static void assertConsistentLog(List<StoredEvent> all) {
		Map<String, Long> versions = new HashMap<>();
		for (int i = 0; i < all.size(); i++) {
			StoredEvent event = all.get(i);
			assertThat(event.position()).as("position of event %d", i).isEqualTo(i + 1);
			long expected = versions.merge(event.streamId(), 1L, Long::sum);
			assertThat(event.version()).as("version of %s", event).isEqualTo(expected);
		}
	}

}
