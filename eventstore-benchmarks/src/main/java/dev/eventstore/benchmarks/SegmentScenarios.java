package dev.eventstore.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * The segmented journal against history size: opening, heap, stream reads and paging of
 * journals of 100,000, 1,000,000 and 10,000,000 events, built like the runner's large
 * journal (one stream per 100 events, written round-robin, so that a stream's events are
 * spread over all of history), and against today's single file. Opt-in: the 10 M journal
 * takes about 4 GB of disk (deleted when done) and a few minutes to write.
 */
final class SegmentScenarios {

	private SegmentScenarios() {
	}

	/** The sizes: small, medium, large journals and the segment size. */
	record Sizes(int small, int medium, int large, long segmentSize) {

		/** The sizes with the default segment size, or a small version for CI. */
		static Sizes of(boolean full) {
			return full ? new Sizes(100_000, 1_000_000, 10_000_000, 64L << 20)
					: new Sizes(2_000, 20_000, 100_000, 256L << 10);
		}

	}

	/** What one journal measured. */
	record Opened(int events, double coldOpenMillis, long tailEvents, double retainedBytes,
			Measurement.Result readStream, Measurement.Result readAllPages) {
	}

	/** Writes a journal of {@code events} events, one stream per 100, round-robin. */
	static void write(Path journal, int events, long segmentSize) throws Exception {
		int streams = Math.max(1, events / 100);
		EventStore.Builder builder = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER);
		try (EventStore store = ((segmentSize > 0) ? builder.segmentSize(segmentSize) : builder).build()) {
			long i = 0;
			for (int round = 0; i < events; round++) {
				for (int s = 0; s < streams && i < events; s++, i++) {
					store.append("stream-" + s, Workload.event(i));
				}
			}
		}
	}

	/**
	 * Writes a journal whose last segment is nearly full (97 %): the most an open scans.
	 * @return the events written
	 */
	static int writeFullTail(Path journal, long segmentSize) throws Exception {
		int events = 0;
		try (EventStore store = EventStore.builder()
			.persistPath(journal)
			.fsync(FsyncPolicy.NEVER)
			.segmentSize(segmentSize)
			.build()) {
			while (true) {
				for (int i = 0; i < 1000; i++, events++) {
					store.append("stream-" + (events % 10_000), Workload.event(events));
				}
				List<Path> segments = segments(journal);
				if (segments.size() >= 2
						&& Files.size(segments.get(segments.size() - 1)) >= segmentSize * 97 / 100 - 400_000) {
					return events;
				}
			}
		}
	}

	private static List<Path> segments(Path journal) throws IOException {
		try (Stream<Path> files = Files.list(journal)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".ndjson")).sorted().toList();
		}
	}

	/**
	 * Drops the kernel's page cache (root on Linux), so that an open reads from the disk.
	 * @return whether it could
	 */
	static boolean dropPageCache() {
		try {
			new ProcessBuilder("sync").inheritIO().start().waitFor();
			Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
			return true;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			return false;
		}
	}

	/** Whether opens drop the page cache first. */
	static volatile boolean dropCaches;

	/** Opens a journal after dropping the cache (when asked): milliseconds to open. */
	static double coldOpenMillis(Path journal, long segmentSize, int expectedEvents) throws Exception {
		if (dropCaches) {
			dropPageCache();
		}
		long start = System.nanoTime();
		try (EventStore store = open(journal, segmentSize)) {
			double millis = (System.nanoTime() - start) / 1e6;
			if (store.lastPosition() != expectedEvents) {
				throw new IllegalStateException("Opened " + store.lastPosition() + " events, wrote " + expectedEvents);
			}
			return millis;
		}
	}

	static EventStore open(Path journal, long segmentSize) {
		EventStore.Builder builder = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER);
		return ((segmentSize > 0) ? builder.segmentSize(segmentSize) : builder).build();
	}

	/** The median of a few cold opens. */
	static double medianColdOpenMillis(Path journal, long segmentSize, int events, int times) throws Exception {
		List<Double> opens = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			opens.add(coldOpenMillis(journal, segmentSize, events));
		}
		opens.sort(Comparator.naturalOrder());
		return opens.get(opens.size() / 2);
	}

	/** Heap retained by opening the journal, stream reads and paging on it. */
	static Opened measure(Path journal, long segmentSize, int events, Settings settings, double coldOpenMillis)
			throws Exception {
		int streams = Math.max(1, events / 100);
		long before = StoreScenarios.usedHeapAfterGc();
		try (EventStore store = open(journal, segmentSize)) {
			long retained = StoreScenarios.usedHeapAfterGc() - before;
			// Reads are measured warm, as in a service that has run a while: after one
			// pass over the log through the store, which brings the files into the page
			// cache and their pages into the store's memory maps. Right after a cold
			// open, they would measure the disk and the kernel's page faults instead.
			for (long position = 1; position <= events; position += 10_000) {
				store.readAll(position, 10_000);
			}
			Measurement.Result readStream = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						int stream = ThreadLocalRandom.current().nextInt(streams);
						if (store.readStream("stream-" + stream).size() != Math.min(100, events)) {
							throw new IllegalStateException("stream-" + stream + " lacks events");
						}
					});
			Measurement.Result pages = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						if (store.readAll(1 + ThreadLocalRandom.current().nextInt(Math.max(1, events - 1000)), 1000)
							.size() != Math.min(1000, events)) {
							throw new IllegalStateException("a page lacks events");
						}
					});
			return new Opened(events, coldOpenMillis, tailEvents(journal), retained / (double) events, readStream,
					pages);
		}
	}

	/** The events of the last segment, the one opening scans; all of a single file's. */
	static long tailEvents(Path journal) throws IOException {
		if (!Files.isDirectory(journal)) {
			return lines(journal);
		}
		try (Stream<Path> files = Files.list(journal)) {
			Path last = files.filter((file) -> file.getFileName().toString().endsWith(".ndjson"))
				.max(Comparator.naturalOrder())
				.orElseThrow();
			return lines(last);
		}
	}

	private static long lines(Path file) throws IOException {
		long lines = 0;
		try (var in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
			int b;
			while ((b = in.read()) != -1) {
				if (b == '\n') {
					lines++;
				}
			}
		}
		return lines;
	}

	/** Bytes of a journal on disk, its indexes and side files included. */
	static long diskBytes(Path journal) throws IOException {
		if (!Files.isDirectory(journal)) {
			return Files.size(journal);
		}
		try (Stream<Path> files = Files.list(journal)) {
			return files.mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					return 0;
				}
			}).sum();
		}
	}

	static void delete(Path journal) throws IOException {
		if (Files.isDirectory(journal)) {
			try (Stream<Path> files = Files.walk(journal)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(file);
				}
			}
		}
		else {
			Files.deleteIfExists(journal);
		}
		Files.deleteIfExists(journal.resolveSibling(journal.getFileName() + ".lock"));
	}

}
