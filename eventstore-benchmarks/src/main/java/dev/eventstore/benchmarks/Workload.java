package dev.eventstore.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.eventstore.NewEvent;

/** The benchmark's small event: a 6-field payload of about 150 bytes of JSON. */
final class Workload {

	private Workload() {
	}

	static Map<String, Object> payload(long i) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("orderId", "order-" + (100_000 + i % 900_000));
		data.put("customerId", "customer-" + (i % 5_000));
		data.put("sku", "SKU-" + (10_000 + i % 90_000));
		data.put("quantity", (int) (1 + i % 9));
		data.put("unitPrice", 19.99);
		data.put("note", "standard delivery, leave the parcel at the door");
		return data;
	}

	private static final int PREPARED = 4096;

	private static final StoreScenarios.OrderPlaced[] records = new StoreScenarios.OrderPlaced[PREPARED];

	private static final NewEvent[] events = new NewEvent[PREPARED];

	private static final Map<String, Object>[] lines = prepareLines();

	private static final String[][] streams = new String[256][1024];

	static {
		for (int i = 0; i < PREPARED; i++) {
			events[i] = NewEvent.of("OrderPlaced", payload(i));
			records[i] = new StoreScenarios.OrderPlaced("order-" + (100_000 + i % 900_000), "customer-" + (i % 5_000),
					"SKU-" + (10_000 + i % 90_000), 1 + i % 9, 19.99,
					"standard delivery, leave the parcel at the door");
		}
		for (int t = 0; t < streams.length; t++) {
			for (int k = 0; k < streams[t].length; k++) {
				streams[t][k] = "stream-" + t + "-" + k;
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object>[] prepareLines() {
		Map<String, Object>[] prepared = new Map[PREPARED];
		for (int i = 0; i < PREPARED; i++) {
			prepared[i] = journalLine(i + 1, "stream-" + (i % 1000), i / 1000 + 1);
		}
		return prepared;
	}

	/**
	 * One of 4,096 prepared payloads as a new event with an id of its own: a
	 * {@link NewEvent} is one event, and appending it again would be a retry. Building
	 * the payload is the caller's cost, not the store's; giving it an id and validating
	 * the copy is, as it is for every append.
	 */
	static NewEvent event(long i) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return events[(int) (i & (PREPARED - 1))].withId(new UUID(random.nextLong(), random.nextLong()));
	}

	/**
	 * One of 4,096 prepared payloads as a record, for typed appends: built by the caller,
	 * serialised by the store.
	 */
	static StoreScenarios.OrderPlaced record(long i) {
		return records[(int) (i & (PREPARED - 1))];
	}

	/**
	 * A prepared journal line with the same payload, for the raw baselines to serialise.
	 */
	static Map<String, Object> line(long i) {
		return lines[(int) (i & (PREPARED - 1))];
	}

	/** A prepared stream id: 1,024 streams per thread. */
	static String stream(int thread, long i) {
		return streams[thread & 255][(int) (i & 1023)];
	}

	/** What the raw baselines serialise: the journal's fields around the same payload. */
	static Map<String, Object> journalLine(long position, String streamId, long version) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event_id", position);
		line.put("stream_id", streamId);
		line.put("event_type", "OrderPlaced");
		line.put("version", version);
		line.put("data", payload(position));
		line.put("metadata", null);
		line.put("timestamp", "2026-11-24T10:15:00.123456Z");
		return line;
	}

}
