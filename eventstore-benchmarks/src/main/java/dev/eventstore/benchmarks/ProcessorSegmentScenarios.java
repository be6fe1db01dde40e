package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.EventHandler;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.RetriesExhausted;
import dev.eventstore.processor.RetryPolicy;

/**
 * Processor segments (#30): the throughput of a handler that takes 2 ms an event (an
 * e-mail, an HTTP call) with 1 segment and with 8, in one process over a file journal and
 * on two instances sharing a PostgreSQL journal.
 */
final class ProcessorSegmentScenarios {

	/** How long the slow handler takes for each event. */
	static final long HANDLER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private ProcessorSegmentScenarios() {
	}

	/** Appends events in batches of 10 to 500 streams, in random order. */
	static void append(EventStore store, int events) {
		Random random = new Random(events);
		for (int i = 0; i < events; i += 10) {
			List<NewEvent> batch = new ArrayList<>();
			for (int j = 0; j < 10; j++) {
				batch.add(NewEvent.of("Happened", Map.of("i", i + j)));
			}
			store.appendBatch("stream-" + random.nextInt(500), batch);
		}
	}

	/** Counts events after sleeping the handler's time, as slow I/O would. */
	static EventHandler slowHandler(AtomicLong handled) {
		return (event, delivery) -> {
			LockSupport.parkNanos(HANDLER_NANOS);
			handled.incrementAndGet();
		};
	}

	/**
	 * Events a second through a processor of so many segments over a file journal of its
	 * own holding {@code events}, from its start to the last event handled.
	 */
	static double fileThroughput(Path journal, int segments, int events) throws Exception {
		try (EventStore store = StoreScenarios.fileStore(journal, FsyncPolicy.NEVER)) {
			append(store, events);
			AtomicLong handled = new AtomicLong();
			long start = System.nanoTime();
			// A name of its own: the checkpoints of an earlier round stay beside the
			// file.
			try (Processor processor = Processor.builder("slow-" + System.nanoTime(), store, slowHandler(handled))
				.segments(segments)
				.checkpoints(CheckpointStore.besideJournal(journal))
				.build()
				.start()) {
				awaitHandled(handled, events);
				return events / ((System.nanoTime() - start) / 1e9);
			}
		}
	}

	/**
	 * A processor with a jammed stream: events a second passed from its start until it
	 * passed every event, and, once the handler is fixed, the held events a second that
	 * an operator's retry of the stream's first parked event let follow (0 when nothing
	 * was jammed).
	 *
	 * @param passing events a second, parked or handled
	 * @param releasing held events a second handled after the retry
	 */
	record Jam(double passing, double releasing) {
	}

	/**
	 * Runs {@link Jam}: half the events are of one stream, and with {@code jammed} the
	 * handler fails on that stream's first, which is parked, and every later event of the
	 * stream is parked behind it; the other half are of 100 streams. Checkpoints beside a
	 * file journal.
	 */
	static Jam jammed(Path journal, int events, boolean jammed) throws Exception {
		try (EventStore store = StoreScenarios.fileStore(journal, FsyncPolicy.NEVER)) {
			for (int i = 0; i < events; i += 2) {
				store.append("jammed", NewEvent.of("Happened", Map.of("i", i)));
				store.append("stream-" + (i % 100), NewEvent.of("Happened", Map.of("i", i + 1)));
			}
			AtomicBoolean broken = new AtomicBoolean(jammed);
			EventHandler handler = (event, delivery) -> {
				if (broken.get() && event.streamId().equals("jammed")) {
					throw new IllegalStateException("jammed");
				}
			};
			long start = System.nanoTime();
			try (Processor processor = Processor.builder("jammed-" + System.nanoTime(), store, handler)
				.checkpoints(CheckpointStore.besideJournal(journal))
				.retry(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 2.0))
				.whenRetriesExhausted(RetriesExhausted.PARK)
				.build()
				.start()) {
				if (!processor.awaitHandled(events, Duration.ofMinutes(5))) {
					throw new IllegalStateException("Not every event passed: " + processor.status());
				}
				double passing = events / ((System.nanoTime() - start) / 1e9);
				if (!jammed) {
					return new Jam(passing, 0);
				}
				broken.set(false);
				long retried = System.nanoTime();
				retry(processor);
				long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
				while (processor.status().parked() > 0) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("Still parked: " + processor.status());
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
				return new Jam(passing, (events / 2) / ((System.nanoTime() - retried) / 1e9));
			}
		}
	}

	/**
	 * Retries position 1; a retry that outlasts the command's wait goes on regardless.
	 */
	private static void retry(Processor processor) {
		try {
			processor.retryParked(1);
		}
		catch (IllegalStateException ex) {
			if (!ex.getMessage().contains("is busy")) {
				throw ex;
			}
		}
	}

	static void awaitHandled(AtomicLong handled, long events) {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (handled.get() < events) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Handled " + handled.get() + " of " + events + " events");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

}
