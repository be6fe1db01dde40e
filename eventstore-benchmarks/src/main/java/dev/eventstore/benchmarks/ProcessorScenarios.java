package dev.eventstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Processor;

/** Durable processors: replay rate beside paging with readAll, and live latency. */
final class ProcessorScenarios {

	private ProcessorScenarios() {
	}

	/** Replay through a processor and paging with readAll, over the same journal. */
	record Replay(double readAllEventsPerSecond, double processorEventsPerSecond) {
	}

	/**
	 * Pages through the whole log with readAll, then replays it through a processor with
	 * a no-op handler, checkpointing beside the journal every 100 events; twice each, the
	 * second pass counted (the first warms up).
	 */
	static Replay replay(EventStore store, Path journal, int pageSize) throws Exception {
		long events = store.lastPosition();
		double paging = 0;
		double processing = 0;
		for (int pass = 0; pass < 2; pass++) {
			long start = System.nanoTime();
			long next = 1;
			long seen = 0;
			while (true) {
				List<StoredEvent> page = store.readAll(next, pageSize);
				if (page.isEmpty()) {
					break;
				}
				seen += page.size();
				next = page.get(page.size() - 1).position() + 1;
			}
			paging = seen / ((System.nanoTime() - start) / 1e9);
			if (seen != events) {
				throw new IllegalStateException("Paged " + seen + " of " + events + " events");
			}
			String name = "replay-" + pass;
			Path checkpoint = journal.resolveSibling(journal.getFileName() + "." + name + ".checkpoint");
			Files.deleteIfExists(checkpoint);
			AtomicLong handled = new AtomicLong();
			start = System.nanoTime();
			try (Processor processor = Processor.builder(name, store, (event, delivery) -> handled.incrementAndGet())
				.checkpoints(CheckpointStore.besideJournal(journal))
				.build()
				.start()) {
				if (!processor.awaitHandled(events, Duration.ofMinutes(5))) {
					throw new IllegalStateException("The processor did not replay " + events + " events");
				}
				processing = events / ((System.nanoTime() - start) / 1e9);
			}
			if (handled.get() != events) {
				throw new IllegalStateException("Handled " + handled.get() + " of " + events + " events");
			}
		}
		return new Replay(paging, processing);
	}

	/**
	 * The time from the start of an append (on {@code appender}) until a processor of
	 * {@code processed} is handed the event.
	 */
	static Measurement.Result liveLatency(EventStore appender, EventStore processed, Settings settings)
			throws Exception {
		AtomicLong seen = new AtomicLong();
		try (Processor processor = Processor
			.builder("latency-" + System.nanoTime(), processed, (event, delivery) -> seen.set(event.position()))
			.build()
			.start()) {
			if (!processor.awaitHandled(processed.lastPosition(), Duration.ofMinutes(1))) {
				throw new IllegalStateException("The processor did not catch up");
			}
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				long position = appender.append("latency", Workload.event(i)).position();
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (seen.get() < position) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("Position " + position + " never reached the processor");
					}
					Thread.onSpinWait();
				}
			});
		}
	}

}
