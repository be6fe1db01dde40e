package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.eventstore.AppendCondition;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;

/**
 * The rows of #28 (dynamic consistency boundaries): a conditional append against the same
 * append without a condition, and reads by tag and by type against a scan of the log
 * filtering the same events.
 */
final class BoundaryScenarios {

	private BoundaryScenarios() {
	}

	/**
	 * Appends the workload's event tagged {@code thread:<t>}; with a condition, each
	 * append first reads the log's last position and appends under "no event of this
	 * thread's tag after it" (never met by another thread, so never failing): the check's
	 * cost, not a conflict's.
	 */
	static Measurement.Result append(EventStore store, int threads, boolean conditional, Settings settings)
			throws Exception {
		EventQuery[] queries = new EventQuery[threads];
		String[] tags = new String[threads];
		for (int t = 0; t < threads; t++) {
			tags[t] = "thread:" + t;
			queries[t] = EventQuery.of(List.of("OrderPlaced"), List.of(tags[t]));
		}
		// A store that queries keeps its types and tags index as it appends: built first,
		// so that both rows pay for keeping it and the ratio is the condition's check.
		store.read(EventQuery.ofTags("none"));
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), false, (t, i) -> {
			NewEvent event = Workload.event(i).withTags(tags[t]);
			if (conditional) {
				long after = store.lastPosition();
				store.append(Workload.stream(t, i), event, AppendCondition.failIfEventsMatch(queries[t], after));
			}
			else {
				store.append(Workload.stream(t, i), event);
			}
		});
	}

	/** What the query rows measured: events a second read by query, and by a scan. */
	record Reads(double tagQuery, double tagScan, double typeQuery, double typeScan, double heapBytesPerEvent) {
	}

	/**
	 * A segmented journal of {@code events} events, each tagged with one of
	 * {@code events / 20} tags (20 events a tag) and one of 50 customers, one in a
	 * hundred of a rare type; then, warm, reads of one random tag's 20 events and of the
	 * rare type, each against a {@code readAll} scan that filters the same events.
	 */
	static Reads reads(Path directory, int events, Settings settings) throws Exception {
		int tags = Math.max(1, events / 20);
		try (EventStore store = EventStore.builder()
			.persistPath(directory)
			.segmentSize(64L << 20)
			.fsync(FsyncPolicy.NEVER)
			.build()) {
			fill(store, events);
		}
		long before = StoreScenarios.usedHeapAfterGc();
		try (EventStore store = EventStore.builder().persistPath(directory).fsync(FsyncPolicy.NEVER).build()) {
			// The first query builds the index (each sealed segment's postings file, from
			// a scan of it: the journal was written without queries); the rows measure
			// warm reads.
			long building = System.nanoTime();
			store.read(EventQuery.ofTags("order:0"));
			System.out.printf(Locale.ROOT, "segmented: the first query built the postings in %d ms%n",
					(System.nanoTime() - building) / 1_000_000);
			long after = StoreScenarios.usedHeapAfterGc();
			Measurement.Result tag = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), false,
					(t, i) -> {
						int found = store.read(EventQuery.ofTags("order:" + ThreadLocalRandom.current().nextInt(tags)))
							.events()
							.size();
						if (found < 1) {
							throw new IllegalStateException("no events of a tag");
						}
					});
			Measurement.Result type = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), false,
					(t, i) -> store.read(EventQuery.ofTypes("Rare")));
			int rare = store.read(EventQuery.ofTypes("Rare")).events().size();
			double tagScan = scan(store, EventQuery.ofTags("order:7"));
			double typeScan = scan(store, EventQuery.ofTypes("Rare"));
			return new Reads(tag.opsPerSecond() * 20, tagScan * 20, type.opsPerSecond() * rare, typeScan * rare,
					(after - before) / (double) events);
		}
	}

	/**
	 * Appends the reads' events: {@code events / 20} tags of 20 events, 50 customers, one
	 * event in a hundred of a rare type, in batches of 100.
	 */
	private static void fill(EventStore store, int events) {
		int tags = Math.max(1, events / 20);
		List<NewEvent> batch = new ArrayList<>(100);
		for (int i = 0; i < events; i++) {
			NewEvent event = (i % 100 == 0) ? NewEvent.of("Rare", Workload.payload(i)) : Workload.event(i);
			batch.add(event.withTags("order:" + (i % tags), "customer:" + (i % 50)));
			if (batch.size() == 100) {
				store.appendBatch("stream-" + (i / 100) % 1000, batch);
				batch = new ArrayList<>(100);
			}
		}
		if (!batch.isEmpty()) {
			store.appendBatch("stream-last", batch);
		}
	}

	/**
	 * The heap a single-file journal of the reads' events retains once its first query
	 * built the index (the line index, ids and the types and tags index, all in the
	 * heap), a byte an event.
	 */
	static double singleFileHeap(Path file, int events) throws Exception {
		// Measured from before the journal is written: an upper bound, which counts
		// anything the writing store left behind too.
		long before = StoreScenarios.usedHeapAfterGc();
		try (EventStore store = EventStore.builder().persistPath(file).fsync(FsyncPolicy.NEVER).build()) {
			fill(store, events);
		}
		try (EventStore store = EventStore.builder().persistPath(file).fsync(FsyncPolicy.NEVER).build()) {
			long opened = StoreScenarios.usedHeapAfterGc();
			store.read(EventQuery.ofTags("order:0"));
			long after = StoreScenarios.usedHeapAfterGc();
			if (store.lastPosition() != events) {
				throw new IllegalStateException("the journal holds " + store.lastPosition() + " events");
			}
			System.out.printf(Locale.ROOT, "single file: open %.1f B/event, with the index %.1f B/event%n",
					(opened - before) / (double) events, (after - before) / (double) events);
			return (after - before) / (double) events;
		}
	}

	/** Queries answered a second by reading the whole log and filtering. */
	private static double scan(EventStore store, EventQuery query) {
		long start = System.nanoTime();
		int scans = 0;
		while (System.nanoTime() - start < 2_000_000_000L || scans < 2) {
			long matched = 0;
			long next = 1;
			while (true) {
				List<StoredEvent> page = store.readAll(next, 1_000);
				if (page.isEmpty()) {
					break;
				}
				for (StoredEvent event : page) {
					if (query.matches(event)) {
						matched++;
					}
				}
				next = page.get(page.size() - 1).position() + 1;
			}
			if (matched == 0) {
				throw new IllegalStateException("the scan found nothing");
			}
			scans++;
		}
		return scans / ((System.nanoTime() - start) / 1e9);
	}

}
