package dev.eventstore.benchmarks;

import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import tools.jackson.databind.json.JsonMapper;

/** The store under the same measurement as the baselines. */
final class StoreScenarios {

	private StoreScenarios() {
	}

	static EventStore fileStore(Path file, FsyncPolicy fsync) throws Exception {
		Files.deleteIfExists(file);
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
		Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".index-at-close"));
		return EventStore.builder().persistPath(file).fsync(fsync).fsyncInterval(Duration.ofMillis(100)).build();
	}

	static Measurement.Result append(EventStore store, int threads, Settings settings, boolean latencies)
			throws Exception {
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), latencies,
				(t, i) -> store.append(Workload.stream(t, i), Workload.event(i)));
	}

	/**
	 * The command path of an event-sourced application: each thread owns a stream, loads
	 * its last 50 events (its state, as a snapshot plus tail would give it), decides on
	 * that state (the sum of its quantities) and appends one event expecting the version
	 * it loaded.
	 */
	static Measurement.Result commands(EventStore store, int threads, Settings settings) throws Exception {
		for (int t = 0; t < threads; t++) {
			List<NewEvent> history = new ArrayList<>(50);
			for (int k = 0; k < 50; k++) {
				history.add(Workload.event(k));
			}
			store.appendBatch("command-" + t, history);
		}
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
			String stream = "command-" + t;
			List<StoredEvent> events = store.readStream(stream, Math.max(1, store.streamVersion(stream) - 49), 50);
			long quantity = 0;
			for (StoredEvent event : events) {
				quantity += ((Number) event.data().get("quantity")).longValue();
			}
			if (quantity < 50) {
				throw new IllegalStateException("the decision needs the stream's history");
			}
			store.append(stream, Workload.event(i), ExpectedVersion.exactly(events.get(events.size() - 1).version()));
		});
	}

	static Measurement.Result appendBatch(EventStore store, int size, Settings settings) throws Exception {
		Measurement.Result batches = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
				(t, i) -> {
					List<NewEvent> batch = new ArrayList<>(size);
					for (int k = 0; k < size; k++) {
						batch.add(Workload.event(i * size + k));
					}
					store.appendBatch(Workload.stream(0, i), batch);
				});
		return new Measurement.Result(batches.opsPerSecond() * size, batches.p50Micros(), batches.p99Micros());
	}

	/** What opening, reading and holding a large journal costs. */
	record LargeJournal(int events, double openEventsPerSecond, double indexedOpenMillis, double retainedBytesPerEvent,
			Measurement.Result readStream, Measurement.Result readAllPages, Measurement.Result typedReadStream,
			Measurement.Result jacksonRecords, Measurement.Result jacksonMapPages, Measurement.Result jacksonMapStream,
			Measurement.Result jacksonRecordsHot, Measurement.Result typedDecode, Measurement.Result jacksonHeld,
			Measurement.Result lineFloor, Measurement.Result storedLinesDecoded) {
	}

	/** A plain Jackson mapper, for the baselines. */
	private static final JsonMapper BASELINE_MAPPER = JsonMapper.builder().build();

	/** The workload's payload as a record, for typed reads. */
	record OrderPlaced(String orderId, String customerId, String sku, int quantity, double unitPrice, String note) {
	}

	/**
	 * The least a store reading a stream from this file can do: copy each of a random
	 * stream's 100 lines out of the mapped file and check its CRC-32C, nothing parsed.
	 * Stream {@code k}'s events are lines {@code k}, {@code k + streams}, … (they were
	 * appended round-robin).
	 */
	private static Measurement.Result readFloor(Path file, long[] lineStarts, int[] lineLengths, int streams,
			Settings settings) throws Exception {
		try (FileChannel channel = FileChannel.open(file)) {
			MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
			// Faulted in first, as the store's own mapping is by the rows before.
			map.load();
			byte[] buffer = new byte[64 * 1024];
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				int stream = ThreadLocalRandom.current().nextInt(streams);
				for (int k = stream; k < lineStarts.length; k += streams) {
					int length = lineLengths[k];
					map.get((int) lineStarts[k], buffer, 0, length);
					CRC32C crc = new CRC32C();
					crc.update(buffer, 0, length);
					if (crc.getValue() == 0x1_0000_0000L) {
						throw new IllegalStateException("a CRC-32C has 32 bits");
					}
				}
			});
		}
	}

	/**
	 * Appends the workload's events to streams of 100 events each, round-robin, as a
	 * journal of {@code events} events.
	 */
	static void fill(EventStore store, int events) {
		int streams = events / 100;
		for (int round = 0; round < 100; round++) {
			for (int s = 0; s < streams; s++) {
				store.append("stream-" + s, Workload.event((long) round * streams + s));
			}
		}
	}

	/**
	 * The baseline #26 names for a typed read: a random stream's 100 lines as stored,
	 * copied out of the mapped file (their places known, as an index knows them), and the
	 * data of each read with {@code readValue(bytes, Record.class)}; no checksum, no
	 * other field decoded.
	 */
	private static Measurement.Result storedLinesDecoded(Path file, long[] lineStarts, int[] lineLengths,
			int[] dataStarts, int[] dataLengths, int streams, Settings settings) throws Exception {
		try (FileChannel channel = FileChannel.open(file)) {
			MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
			// Faulted in first, as the store's own mapping is by the rows before.
			map.load();
			byte[] buffer = new byte[64 * 1024];
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				int stream = ThreadLocalRandom.current().nextInt(streams);
				for (int k = stream; k < lineStarts.length; k += streams) {
					map.get((int) lineStarts[k], buffer, 0, lineLengths[k]);
					if (BASELINE_MAPPER.readValue(buffer, dataStarts[k], dataLengths[k], OrderPlaced.class)
						.quantity() < 1) {
						throw new IllegalStateException("bad payload");
					}
				}
			});
		}
	}

	static LargeJournal largeJournal(Path file, Settings settings) throws Exception {
		int events = settings.journalEvents();
		int streams = events / 100;
		try (EventStore store = fileStore(file, FsyncPolicy.NEVER)) {
			fill(store, events);
		}
		// Opened from the index its clean close recorded (#32), then by scanning every
		// line, as after a crash: the scanning open is what the rows below compare with.
		long indexedStart = System.nanoTime();
		try (EventStore indexed = EventStore.builder().persistPath(file).fsync(FsyncPolicy.NEVER).build()) {
			if (indexed.lastPosition() != events) {
				throw new IllegalStateException("Opened " + indexed.lastPosition() + " events, wrote " + events);
			}
		}
		double indexedOpenMillis = (System.nanoTime() - indexedStart) / 1e6;
		Files.delete(file.resolveSibling(file.getFileName() + ".index-at-close"));
		long heapBefore = usedHeapAfterGc();
		long start = System.nanoTime();
		EventStore store = EventStore.builder().persistPath(file).fsync(FsyncPolicy.NEVER).build();
		double seconds = (System.nanoTime() - start) / 1e9;
		long heapAfter = usedHeapAfterGc();
		try {
			if (store.lastPosition() != events) {
				throw new IllegalStateException("Opened " + store.lastPosition() + " events, wrote " + events);
			}
			Measurement.Result readStream = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						int stream = ThreadLocalRandom.current().nextInt(streams);
						if (store.readStream("stream-" + stream).size() != 100) {
							throw new IllegalStateException("stream-" + stream + " lacks events");
						}
					});
			Measurement.Result pages = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> store.readAll(1 + ThreadLocalRandom.current().nextInt(events - 1000), 1000));
			Measurement.Result typed = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						int stream = ThreadLocalRandom.current().nextInt(streams);
						for (StoredEvent event : store.readStream("stream-" + stream)) {
							if (event.payload(OrderPlaced.class).quantity() < 1) {
								throw new IllegalStateException("stream-" + stream + " holds a bad payload");
							}
						}
					});
			// The baseline: Jackson reading the same 100 payloads, as bytes already in
			// memory: those of a random stream, as the store reads one (every stream's
			// payloads are extracted first), so that both touch memory the same way.
			byte[][][] payloads = new byte[streams][][];
			for (int k = 0; k < streams; k++) {
				List<StoredEvent> stream = store.readStream("stream-" + k);
				payloads[k] = new byte[stream.size()][];
				for (int e = 0; e < stream.size(); e++) {
					payloads[k][e] = BASELINE_MAPPER.writeValueAsBytes(stream.get(e).data());
				}
			}
			Measurement.Result jackson = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						for (byte[] payload : payloads[ThreadLocalRandom.current().nextInt(streams)]) {
							if (BASELINE_MAPPER.readValue(payload, OrderPlaced.class).quantity() < 1) {
								throw new IllegalStateException("bad payload");
							}
						}
					});
			// The same, over one stream's payloads only, hot in the CPU's caches.
			Measurement.Result jacksonHot = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						for (byte[] payload : payloads[0]) {
							if (BASELINE_MAPPER.readValue(payload, OrderPlaced.class).quantity() < 1) {
								throw new IllegalStateException("bad payload");
							}
						}
					});
			// Decoding alone, as #11's target words it: events already read (each time a
			// fresh view, so no payload is remembered from an earlier round) against
			// Jackson over the same streams' payload bytes.
			int held = Math.min(streams, 1_000);
			List<List<StoredEvent>> read = new ArrayList<>(held);
			for (int k = 0; k < held; k++) {
				read.add(store.readStream("stream-" + k));
			}
			Measurement.Result typedDecode = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						for (StoredEvent event : read.get(ThreadLocalRandom.current().nextInt(held))) {
							if (event.view().payload(OrderPlaced.class).quantity() < 1) {
								throw new IllegalStateException("bad payload at " + event.position());
							}
						}
					});
			Measurement.Result jacksonHeld = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						for (byte[] payload : payloads[ThreadLocalRandom.current().nextInt(held)]) {
							if (BASELINE_MAPPER.readValue(payload, OrderPlaced.class).quantity() < 1) {
								throw new IllegalStateException("bad payload");
							}
						}
					});
			// The baselines of #16: the same journal lines, already in memory, each
			// parsed into a Map by Jackson; 1,000 consecutive lines a page, and the 100
			// lines of one stream.
			List<byte[]> lines = new ArrayList<>(events);
			long[] lineStarts = new long[events];
			int[] lineLengths = new int[events];
			try (BufferedReader reader = Files.newBufferedReader(file)) {
				long offset = 0;
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
					if (!line.isBlank()) {
						lineStarts[lines.size()] = offset;
						lineLengths[lines.size()] = bytes.length;
						lines.add(bytes);
					}
					offset += bytes.length + 1;
				}
			}
			Measurement.Result lineFloor = readFloor(file, lineStarts, lineLengths, streams, settings);
			int[] dataStarts = new int[lines.size()];
			int[] dataLengths = new int[lines.size()];
			for (int k = 0; k < lines.size(); k++) {
				String line = new String(lines.get(k), StandardCharsets.UTF_8);
				int dataStart = line.indexOf(",\"data\":") + ",\"data\":".length();
				int dataEnd = line.indexOf(",\"metadata\":", dataStart);
				dataStarts[k] = line.substring(0, dataStart).getBytes(StandardCharsets.UTF_8).length;
				dataLengths[k] = line.substring(dataStart, dataEnd).getBytes(StandardCharsets.UTF_8).length;
			}
			Measurement.Result storedLines = storedLinesDecoded(file, lineStarts, lineLengths, dataStarts, dataLengths,
					streams, settings);
			Measurement.Result mapPages = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						int from = ThreadLocalRandom.current().nextInt(lines.size() - 1000);
						for (int k = from; k < from + 1000; k++) {
							if (BASELINE_MAPPER.readValue(lines.get(k), Map.class).isEmpty()) {
								throw new IllegalStateException("empty line");
							}
						}
					});
			List<byte[]> streamLines = new ArrayList<>();
			for (int k = 0; k < lines.size(); k += streams) {
				streamLines.add(lines.get(k));
			}
			Measurement.Result mapStream = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
					(t, i) -> {
						for (byte[] line : streamLines) {
							if (BASELINE_MAPPER.readValue(line, Map.class).isEmpty()) {
								throw new IllegalStateException("empty line");
							}
						}
					});
			return new LargeJournal(events, events / seconds, indexedOpenMillis,
					(heapAfter - heapBefore) / (double) events, readStream,
					new Measurement.Result(pages.opsPerSecond() * 1000, pages.p50Micros(), pages.p99Micros()), typed,
					jackson,
					new Measurement.Result(mapPages.opsPerSecond() * 1000, mapPages.p50Micros(), mapPages.p99Micros()),
					mapStream, jacksonHot, typedDecode, jacksonHeld, lineFloor, storedLines);
		}
		finally {
			store.close();
		}
	}

	static long usedHeapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/** The stream of the peers' 1,000,000-event logs: streams of 100 events. */
	static String peerStream(long i) {
		return "peer-" + (i / 100);
	}

}
