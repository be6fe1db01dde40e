package dev.eventstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.JournalFiles;

/**
 * Measures the store and, in the same process and the same way, the machine's own limits,
 * and prints one table: each store figure beside its baseline, with the ratio and p50/p99
 * latency. {@code --quick} runs every row briefly (a smoke test, under two minutes); the
 * full run takes a few minutes.
 */
public final class BenchmarkRunner {

	private final Settings settings;

	private final List<String> rows = new ArrayList<>();

	/** The files rows wrote and no later row reads. */
	private final List<Path> files = new ArrayList<>();

	/** Lines printed under the table: the conditions some rows were measured in. */
	private final List<String> notes = new ArrayList<>();

	private BenchmarkRunner(Settings settings) {
		this.settings = settings;
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		Files.createDirectories(settings.dir());
		long start = System.nanoTime();
		new BenchmarkRunner(settings).runAll();
		System.out.printf(Locale.ROOT, "%nTook %.0f s (%s run, journal directory %s).%n",
				(System.nanoTime() - start) / 1e9, settings.quick() ? "quick" : "full",
				settings.dir().toAbsolutePath());
	}

	private Path file(String name) {
		Path file = this.settings.dir().resolve(name + ".ndjson");
		this.files.add(file);
		return file;
	}

	/**
	 * Deletes the files earlier rows wrote, so that the kernel's writeback of their dirty
	 * pages (gigabytes, from the raw baselines) does not slow the next row down: a
	 * deleted file's pages are dropped, not written. Then collects the heap, so that the
	 * next row does not pay for the garbage of the rows before it: right after the
	 * in-memory row (millions of events, garbage once its store is closed), the next pair
	 * of rows measured 216 k and 119 k appends/s where the same pair measured 283 k and
	 * 196 k a minute later.
	 */
	private void discardFiles() throws IOException {
		for (Path file : this.files) {
			Files.deleteIfExists(file);
			Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
		}
		this.files.clear();
		System.gc();
	}

	private void runAll() throws Exception {
		Settings s = this.settings;
		System.out.printf(Locale.ROOT, "eventstore benchmarks on %d cores, %s, heap %d MiB%n",
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
				Runtime.getRuntime().maxMemory() >> 20);

		if (s.segmentsOnly()) {
			segmentRows(SegmentScenarios.Sizes.of(true));
			printTable();
			return;
		}
		if (s.boundariesOnly()) {
			boundaryRows();
			printTable();
			return;
		}
		if (s.peersOnly()) {
			peerRows();
			printTable();
			return;
		}
		if (s.personalOnly()) {
			personalRows();
			printTable();
			return;
		}
		if (s.processorsOnly()) {
			processorSegmentRows();
			printTable();
			return;
		}
		if (s.batchesOnly()) {
			discardFiles();
			Measurement.Result fsyncs = Baselines.fsyncs(file("raw-fsync"), s);
			row("raw: 200-byte write + force", 1, fsyncs, "writes/s", null, Double.NaN, "");
			discardFiles();
			Measurement.Result serialized = Baselines.serializeAndWrite(file("raw-serialized"), s);
			batchRows(fsyncs, serialized);
			printTable();
			return;
		}
		if (s.postgresOnly()) {
			postgresRows();
			printTable();
			return;
		}
		if (s.kafkaOnly()) {
			kafkaRows();
			printTable();
			return;
		}
		if (s.bodiesOnly()) {
			largeJournalRows();
			printTable();
			return;
		}

		// The JIT compiles the store's append and read paths before the first row: in one
		// full run without this, the first NEVER row measured 83 k appends/s and the same
		// scenario 3 minutes later 219 k.
		try (EventStore warm = StoreScenarios.fileStore(file("warm-up"), FsyncPolicy.NEVER)) {
			StoreScenarios.append(
					warm, 2, new Settings(s.quick(), s.dir(), 0,
							s.quick() ? Math.min(500, 2 * s.measureMillis()) : 3_000, s.journalEvents(), s.postgres()),
					false);
			for (int i = 0; i < 1_000; i++) {
				warm.readStream(Workload.stream(0, i));
			}
		}

		// Each baseline is measured right before the store rows compared with it: the
		// disk's speed drifts over a run, and a ratio is only fair between neighbours.
		discardFiles();
		Measurement.Result buffered = Baselines.bufferedWrites(file("raw-buffered"), s);
		row("raw: buffered 200-byte lines", 1, buffered, "lines/s", null, Double.NaN, "");
		discardFiles();
		Measurement.Result naive = Baselines.naive(file("naive"), s);
		row("seed design: open, append, close per event", 1, naive, "events/s", null, Double.NaN, "");

		try (EventStore memory = EventStore.inMemory()) {
			row("store: in-memory append", 1, StoreScenarios.append(memory, 1, s, false), "appends/s", "target",
					3_000_000, ">= 1.0 x 3 M/s");
		}
		discardFiles();
		Measurement.Result serialized = Baselines.serializeAndWrite(file("raw-serialized"), s);
		row("raw: Jackson serialise + buffered write", 1, serialized, "lines/s", null, Double.NaN, "");
		// The two write rows whose targets sit within the machine's run-to-run noise are
		// measured against their baselines twice, in the order baseline, store, store,
		// baseline (a drift of the disk's speed over the run cancels out), and compared
		// as means: a single pair of 3-second runs varied by +-15 % here.
		Measurement.Result[] never = alternating(() -> Baselines.serializeAndWriteEach(file("raw-serialized-each"), s),
				() -> {
					try (EventStore store = StoreScenarios.fileStore(file("never-1"), FsyncPolicy.NEVER)) {
						return StoreScenarios.append(store, 1, s, true);
					}
				});
		Measurement.Result serializedEach = never[0];
		Measurement.Result neverOne = never[1];
		row("raw: Jackson serialise + one write call per line (mean of 2)", 1, serializedEach, "lines/s", null,
				Double.NaN, "");
		// Not buffering in the process is right (a process crash must not lose an
		// acknowledged append), so the target is set against one write per line.
		row("store: append, fsync NEVER (mean of 2)", 1, neverOne, "appends/s", "serialise + one write per line",
				serializedEach.opsPerSecond(), ">= 0.8");
		row("store: append, fsync NEVER (mean of 2)", 1, neverOne, "appends/s", "raw serialise+write",
				serialized.opsPerSecond(), "");
		row("store: append, fsync NEVER (mean of 2)", 1, neverOne, "appends/s", "seed design", naive.opsPerSecond(),
				"");
		for (int threads : new int[] { 2, 4, 8 }) {
			discardFiles();
			try (EventStore store = StoreScenarios.fileStore(file("never-" + threads), FsyncPolicy.NEVER)) {
				row("store: append, fsync NEVER", threads, StoreScenarios.append(store, threads, s, false), "appends/s",
						"NEVER at 1 thread", neverOne.opsPerSecond(), ">= 1.0");
			}
		}
		Measurement.Result[] interval = alternating(() -> intervalAppends(1, s), () -> intervalAppends(64, s));
		Measurement.Result intervalOne = interval[0];
		row("store: append, fsync INTERVAL (mean of 2)", 1, intervalOne, "appends/s", "raw serialise+write",
				serialized.opsPerSecond(), "");
		for (int threads : new int[] { 4, 16 }) {
			Measurement.Result result = intervalAppends(threads, s);
			row("store: append, fsync INTERVAL", threads, result, "appends/s", "raw serialise+write",
					serialized.opsPerSecond(), "");
			row("store: append, fsync INTERVAL", threads, result, "appends/s", "INTERVAL at 1 thread",
					intervalOne.opsPerSecond(), "");
		}
		row("store: append, fsync INTERVAL (mean of 2)", 64, interval[1], "appends/s", "raw serialise+write",
				serialized.opsPerSecond(), "");
		row("store: append, fsync INTERVAL (mean of 2)", 64, interval[1], "appends/s", "INTERVAL at 1 thread",
				intervalOne.opsPerSecond(), ">= 1.0");
		// What the machine itself gives 64 threads over 1 writing one file: the INTERVAL
		// target's ceiling.
		discardFiles();
		Measurement.Result lockedOne = Baselines.serializeAndWriteEachUnderLock(file("raw-locked-1"), 1, s);
		row("raw: serialise + write per line under a lock", 1, lockedOne, "lines/s", null, Double.NaN, "");
		row("raw: serialise + write per line under a lock", 64,
				Baselines.serializeAndWriteEachUnderLock(file("raw-locked-64"), 64, s), "lines/s", "the same, 1 thread",
				lockedOne.opsPerSecond(), "");

		discardFiles();
		Measurement.Result fsyncs = Baselines.fsyncs(file("raw-fsync"), s);
		row("raw: 200-byte write + force", 1, fsyncs, "fsyncs/s", null, Double.NaN, "");
		try (EventStore store = StoreScenarios.fileStore(file("always-1"), FsyncPolicy.ALWAYS)) {
			Measurement.Result result = StoreScenarios.append(store, 1, s, true);
			row("store: append, fsync ALWAYS", 1, result, "appends/s", "raw write + force", fsyncs.opsPerSecond(),
					">= 0.85");
			row("  p99 latency vs raw p99", 1, result, "", "raw p99 (inverse)", Double.NaN,
					String.format(Locale.ROOT, "p99 %.0f us <= 2 x %.0f us: %s", result.p99Micros(), fsyncs.p99Micros(),
							(result.p99Micros() <= 2 * fsyncs.p99Micros()) ? "MET" : "MISSED"));
		}
		Measurement.Result always64 = null;
		for (int threads : new int[] { 4, 16, 64, 256 }) {
			Measurement.Result group = Baselines.groupCommit(file("raw-group-" + threads), threads, s);
			row("raw: group commit", threads, group, "lines/s", null, Double.NaN, "");
			try (EventStore store = StoreScenarios.fileStore(file("always-" + threads), FsyncPolicy.ALWAYS)) {
				Measurement.Result result = StoreScenarios.append(store, threads, s, true);
				row("store: append, fsync ALWAYS", threads, result, "appends/s", "raw group commit, same threads",
						group.opsPerSecond(), (threads >= 16 && threads <= 64) ? ">= 0.8" : "");
				if (threads == 16) {
					try (EventStore commands = StoreScenarios.fileStore(file("commands-16"), FsyncPolicy.ALWAYS)) {
						row("store: command (load 50-event stream, decide, append), ALWAYS", threads,
								StoreScenarios.commands(commands, threads, s), "commands/s",
								"ALWAYS appends, same threads", result.opsPerSecond(), ">= 0.7");
					}
				}
				if (threads == 64) {
					always64 = result;
				}
				else if (threads == 256) {
					row("store: append, fsync ALWAYS", threads, result, "appends/s", "ALWAYS at 64 threads",
							always64.opsPerSecond(), ">= 0.9");
				}
			}
		}
		batchRows(fsyncs, serialized);
		largeJournalRows();
		boundaryRows();
		try (EventStore store = StoreScenarios.fileStore(file("snapshots"), FsyncPolicy.NEVER)) {
			SnapshotScenarios.Loads loads = SnapshotScenarios.loads(store, file("snapshots"), s);
			row("load a 100-event stream by replay", 1, loads.shortReplayed(), "loads/s", null, Double.NaN, "");
			row("load a 10,050-event stream from its snapshot", 1, loads.longWithSnapshots(), "loads/s",
					"100-event stream by replay", loads.shortReplayed().opsPerSecond(), ">= 0.5");
		}
		try (EventStore store = StoreScenarios.fileStore(file("latency"), FsyncPolicy.NEVER)) {
			row("store: append, fsync NEVER (latency baseline)", 1, StoreScenarios.append(store, 1, s, true),
					"appends/s", null, Double.NaN, "");
			row("processor: live latency append -> handler, file NEVER", 1,
					ProcessorScenarios.liveLatency(store, store, s), "events/s", null, Double.NaN, "p50/p99");
		}
		try (EventStore store = StoreScenarios.fileStore(file("latency-always"), FsyncPolicy.ALWAYS)) {
			row("processor: live latency append -> handler, file ALWAYS", 1,
					ProcessorScenarios.liveLatency(store, store, s), "events/s", null, Double.NaN, "p50/p99");
		}

		if (s.quick()) {
			// The small version of the opt-in --segments rows.
			segmentRows(SegmentScenarios.Sizes.of(false));
		}

		if (this.settings.postgres()) {
			postgresRows();
		}
		// The peers a user would pick instead, over a log of the run's journal size.
		peerRows();
		personalRows();
		printTable();
	}

	/**
	 * The segmented journal against history size and against a single file: cold opens of
	 * a small and a large journal, heap, stream reads, paging, appends.
	 */
	/** Opening, verifying, holding and reading a large journal, and replaying it. */
	private void largeJournalRows() throws Exception {
		Settings s = this.settings;
		StoreScenarios.LargeJournal large = StoreScenarios.largeJournal(file("large"), s);
		String size = String.format(Locale.ROOT, "%,d-event journal", large.events());
		row("store: open " + size + ", scanning it (after a crash)", 1,
				Measurement.Result.of(large.openEventsPerSecond()), "events/s", "target", 1_000_000, ">= 1.0 x 1 M/s");
		row("store: open " + size + " after a clean close (its index at close), then close", 1,
				Measurement.Result.of(large.indexedOpenMillis()), "ms", "the scanning open",
				large.events() / large.openEventsPerSecond() * 1000, "");
		long verifyStart = System.nanoTime();
		JournalFiles.Summary verified = JournalFiles.verify(file("large"), (problem) -> {
			throw new IllegalStateException("The benchmark journal has a problem: " + problem);
		}, (bytes) -> {
		});
		double verifyRate = verified.events() / ((System.nanoTime() - verifyStart) / 1e9);
		row("cli: verify " + size, 1, Measurement.Result.of(verifyRate), "events/s", "store: open, same journal",
				large.openEventsPerSecond(), ">= 0.5");
		row("store: heap retained by " + size + " (index and ids)", 1,
				Measurement.Result.of(large.retainedBytesPerEvent()), "bytes/event", "target", 48, "<= 1.0 x 48 B");
		row("store: readStream of 100 events, " + size, 1, large.readStream(), "reads/s", null, Double.NaN,
				String.format(Locale.ROOT, "p50 %.0f us <= 1000 us: %s", large.readStream().p50Micros(),
						(large.readStream().p50Micros() <= 1000) ? "MET" : "MISSED"));
		row("raw: Jackson parse of a stream's 100 lines into Maps", 1, large.jacksonMapStream(), "reads/s", null,
				Double.NaN, "");
		row("store: readStream of 100 events (p50) vs that", 1, large.readStream(), "reads/s", null, Double.NaN, String
			.format(Locale.ROOT, "p50 %.0f us <= 1.5 x %.0f us: %s", large.readStream().p50Micros(),
					large.jacksonMapStream().p50Micros(),
					(large.readStream().p50Micros() <= 1.5 * large.jacksonMapStream().p50Micros()) ? "MET" : "MISSED"));
		row("raw: Jackson parse of 1,000 lines into Maps", 1, large.jacksonMapPages(), "events/s", null, Double.NaN,
				"");
		row("store: readAll pages of 1,000, " + size, 1, large.readAllPages(), "events/s", "Jackson lines into Maps",
				large.jacksonMapPages().opsPerSecond(), ">= 0.8");
		row("raw: Jackson readValue of 100 payloads into records", 1, large.jacksonRecords(), "reads/s", null,
				Double.NaN, "a random stream's");
		row("raw: Jackson readValue of 100 payloads, hot", 1, large.jacksonRecordsHot(), "reads/s", null, Double.NaN,
				"one stream's, again and again");
		row("store: readStream of 100 + payload(Record), " + size, 1, large.typedReadStream(), "reads/s",
				"Jackson readValue of 100", large.jacksonRecords().opsPerSecond(), ">= 0.8");
		row("store: readStream of 100 + payload(Record), " + size, 1, large.typedReadStream(), "reads/s",
				"the same, hot payloads", large.jacksonRecordsHot().opsPerSecond(), "");
		row("raw: a stream's 100 stored lines copied, data readValue into records", 1, large.storedLinesDecoded(),
				"reads/s", null, Double.NaN, "#26's typed-read baseline");
		row("store: readStream of 100 + payload(Record), " + size, 1, large.typedReadStream(), "reads/s",
				"stored lines + readValue", large.storedLinesDecoded().opsPerSecond(), ">= 0.8");
		// What reading alone cannot go below: with it, the read-and-decode row above can
		// reach at most Jackson's time / (this time + Jackson's time).
		double floorMicros = 1e6 / large.lineFloor().opsPerSecond();
		double jacksonMicros = 1e6 / large.jacksonRecords().opsPerSecond();
		row("raw: copy + CRC-32C of a random stream's 100 lines", 1, large.lineFloor(), "reads/s", null, Double.NaN,
				String.format(Locale.ROOT, "read+decode ceiling: %.2f", jacksonMicros / (floorMicros + jacksonMicros)));
		row("raw: Jackson readValue of 100 payloads, 1,000 streams", 1, large.jacksonHeld(), "reads/s", null,
				Double.NaN, "a random one of 1,000 streams' payloads");
		row("store: payload(Record) of a read stream's 100 events", 1, large.typedDecode(), "reads/s",
				"Jackson readValue of the same 100", large.jacksonHeld().opsPerSecond(), ">= 0.8");

		bodyRows(file("large"));
		try (EventStore store = EventStore.builder().persistPath(file("large")).fsync(FsyncPolicy.NEVER).build()) {
			ProcessorScenarios.Replay replay = ProcessorScenarios.replay(store, file("large"), 1_000);
			row("raw: readAll pages of 1,000 in order, " + size, 1,
					Measurement.Result.of(replay.readAllEventsPerSecond()), "events/s", null, Double.NaN, "");
			row("processor: replay, no-op handler, checkpoints on", 1,
					Measurement.Result.of(replay.processorEventsPerSecond()), "events/s", "readAll pages in order",
					replay.readAllEventsPerSecond(), ">= 0.8");
		}
	}

	/**
	 * The rows of #28: conditional appends against the same appends without a condition,
	 * in one run (file, then PostgreSQL when it runs), and reads by tag and by type
	 * against a scan of the log.
	 */
	/**
	 * Batches of 10 and 100, each policy; under {@code ALWAYS}, batches of 10 in turns
	 * with a raw write of the same ten lines and one force (#32), twice each.
	 */
	private void batchRows(Measurement.Result fsyncs, Measurement.Result serialized) throws Exception {
		Settings s = this.settings;
		for (FsyncPolicy policy : new FsyncPolicy[] { FsyncPolicy.ALWAYS, FsyncPolicy.NEVER }) {
			for (int size : new int[] { 10, 100 }) {
				try (EventStore store = StoreScenarios.fileStore(file("batch-" + policy + "-" + size), policy)) {
					Measurement.Result result = StoreScenarios.appendBatch(store, size, s);
					Measurement.Result base = (policy == FsyncPolicy.ALWAYS) ? fsyncs : serialized;
					row("store: appendBatch of " + size + ", fsync " + policy, 1, result, "events/s",
							(policy == FsyncPolicy.ALWAYS) ? "raw write + force" : "raw serialise+write",
							base.opsPerSecond(), "");
				}
			}
		}
		Measurement.Result[] raw = new Measurement.Result[2];
		Measurement.Result[] prepared = new Measurement.Result[2];
		Measurement.Result[] store = new Measurement.Result[2];
		for (int round = 0; round < 2; round++) {
			discardFiles();
			raw[round] = Baselines.batchWrites(file("raw-batches-" + round), 10, true, s);
			prepared[round] = Baselines.batchWrites(file("raw-prepared-batches-" + round), 10, false, s);
			try (EventStore batches = StoreScenarios.fileStore(file("batches-" + round), FsyncPolicy.ALWAYS)) {
				store[round] = StoreScenarios.appendBatch(batches, 10, s);
			}
		}
		Measurement.Result rawMean = Measurement.Result.mean(raw[0], raw[1]);
		row("raw: Jackson serialise 10 lines + one write + force (mean of 2)", 1, rawMean, "events/s", null, Double.NaN,
				"");
		Measurement.Result preparedMean = Measurement.Result.mean(prepared[0], prepared[1]);
		row("raw: 10 lines made beforehand + one write + force (mean of 2)", 1, preparedMean, "events/s", null,
				Double.NaN, "");
		Measurement.Result storeMean = Measurement.Result.mean(store[0], store[1]);
		row("store: appendBatch of 10, fsync ALWAYS (mean of 2)", 1, storeMean, "events/s",
				"serialise 10 lines + one write + force", rawMean.opsPerSecond(), ">= 0.85");
		row("store: appendBatch of 10, fsync ALWAYS (mean of 2)", 1, storeMean, "events/s",
				"10 lines made beforehand + write + force", preparedMean.opsPerSecond(), ">= 0.85");
		discardFiles();
	}

	/**
	 * The store beside SQLite in python-eventsourcing's design (#32): durable appends on
	 * 1 and 16 threads and batches of 10, then over the same 1,000,000 events (streams of
	 * 100): a replay decoded, a random stream's 100 events decoded (mostly not in the
	 * store's decoded-events cache), and a cold open with one durable append, single file
	 * and segmented.
	 */
	private void peerRows() throws Exception {
		Settings s = this.settings;
		for (int threads : new int[] { 1, 16 }) {
			discardFiles();
			Measurement.Result sqlite;
			try (SqlitePeer peer = new SqlitePeer(file("sqlite-appends-" + threads))) {
				sqlite = peer.append(threads, s);
			}
			Measurement.Result store;
			try (EventStore events = StoreScenarios.fileStore(file("peer-appends-" + threads), FsyncPolicy.ALWAYS)) {
				store = StoreScenarios.append(events, threads, s, true);
			}
			row("peer: SQLite WAL synchronous=FULL, one INSERT a transaction", threads, sqlite, "appends/s", null,
					Double.NaN, "");
			row("store: append, fsync ALWAYS", threads, store, "appends/s", "SQLite FULL", sqlite.opsPerSecond(), "");
		}
		discardFiles();
		Measurement.Result sqliteNormal;
		try (SqlitePeer peer = new SqlitePeer(file("sqlite-normal"), false)) {
			sqliteNormal = peer.append(1, s);
		}
		Measurement.Result storeNever;
		try (EventStore events = StoreScenarios.fileStore(file("peer-never"), FsyncPolicy.NEVER)) {
			storeNever = StoreScenarios.append(events, 1, s, true);
		}
		row("peer: SQLite WAL synchronous=NORMAL, one INSERT a transaction", 1, sqliteNormal, "appends/s", null,
				Double.NaN, "");
		row("store: append, fsync NEVER", 1, storeNever, "appends/s", "SQLite NORMAL", sqliteNormal.opsPerSecond(), "");
		discardFiles();
		Measurement.Result sqliteBatches;
		try (SqlitePeer peer = new SqlitePeer(file("sqlite-batches"))) {
			sqliteBatches = peer.appendBatches(10, s);
		}
		Measurement.Result storeBatches;
		try (EventStore events = StoreScenarios.fileStore(file("peer-batches"), FsyncPolicy.ALWAYS)) {
			storeBatches = StoreScenarios.appendBatch(events, 10, s);
		}
		row("peer: SQLite FULL, batches of 10 in a transaction", 1, sqliteBatches, "events/s", null, Double.NaN, "");
		row("store: appendBatch of 10, fsync ALWAYS", 1, storeBatches, "events/s", "SQLite FULL",
				sqliteBatches.opsPerSecond(), "");
		discardFiles();

		int events = s.journalEvents();
		String size = String.format(Locale.ROOT, "%,d events", events);
		Path database = file("sqlite-peer-log");
		SqlitePeer.fill(database, events);
		Path single = file("peer-log");
		Path segmented = s.dir().resolve("peer-log-segmented");
		deleteTree(segmented);
		fillPeerLog(EventStore.builder().persistPath(single).fsync(FsyncPolicy.NEVER).build(), events);
		fillPeerLog(EventStore.builder().persistPath(segmented).segmentSize(64L << 20).fsync(FsyncPolicy.NEVER).build(),
				events);

		double sqliteReplay = SqlitePeer.replay(database);
		double storeReplay;
		try (EventStore store = EventStore.builder().persistPath(single).fsync(FsyncPolicy.NEVER).build()) {
			long start = System.nanoTime();
			long count = 0;
			for (long next = 1;;) {
				List<StoredEvent> page = store.readAll(next, 1_000);
				if (page.isEmpty()) {
					break;
				}
				for (StoredEvent event : page) {
					if (event.data().isEmpty()) {
						throw new IllegalStateException("empty data");
					}
					count++;
				}
				next = page.get(page.size() - 1).position() + 1;
			}
			storeReplay = count / ((System.nanoTime() - start) / 1e9);
		}
		row("peer: SQLite replay, " + size + ", each state decoded", 1, Measurement.Result.of(sqliteReplay), "events/s",
				null, Double.NaN, "");
		row("store: replay, readAll pages + data(), " + size, 1, Measurement.Result.of(storeReplay), "events/s",
				"SQLite replay", sqliteReplay, "");

		Measurement.Result sqliteStream = SqlitePeer.readStreams(database, events, s);
		Measurement.Result storeStream;
		try (EventStore store = EventStore.builder().persistPath(single).fsync(FsyncPolicy.NEVER).build()) {
			int streams = events / 100;
			storeStream = Measurement.run(1, s.warmupMillis(), s.measureMillis(), true, (t, i) -> {
				List<StoredEvent> read = store
					.readStream(StoreScenarios.peerStream(100L * ThreadLocalRandom.current().nextInt(streams)));
				for (StoredEvent event : read) {
					if (event.data().isEmpty()) {
						throw new IllegalStateException("empty data");
					}
				}
				if (read.size() != 100) {
					throw new IllegalStateException("read " + read.size() + " events of a stream");
				}
			});
		}
		row("peer: SQLite indexed read of a random 100-event stream, decoded", 1, sqliteStream, "reads/s", null,
				Double.NaN, "");
		row("store: readStream of a random 100-event stream + data(), " + size, 1, storeStream, "reads/s",
				"SQLite indexed read", sqliteStream.opsPerSecond(), "");
		// The target is on the median read: 1 / p50, so that the ratio is SQLite's p50
		// over the store's.
		row("store: the same read, p50", 1, Measurement.Result.of(1e6 / storeStream.p50Micros()), "1/p50 (per s)",
				"SQLite indexed read, p50", 1e6 / sqliteStream.p50Micros(), ">= 1.0");

		// The median of five of each, in turns: one open is a few milliseconds.
		List<Double> sqliteOpens = new ArrayList<>();
		List<Double> singleOpens = new ArrayList<>();
		List<Double> segmentedOpens = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sqliteOpens.add(SqlitePeer.openAndAppend(database));
			singleOpens.add(openAndAppend(single));
			segmentedOpens.add(openAndAppend(segmented));
		}
		double sqliteOpen = median(sqliteOpens);
		double singleOpen = median(singleOpens);
		double segmentedOpen = median(segmentedOpens);
		row("peer: SQLite open + one durable append, " + size, 1, Measurement.Result.of(sqliteOpen), "ms", null,
				Double.NaN, "");
		row("store: open + one durable append, single file, clean close, " + size, 1, Measurement.Result.of(singleOpen),
				"ms", "SQLite open + append", sqliteOpen, "<= 3.0");
		row("store: open + one durable append, segmented, clean close, " + size, 1,
				Measurement.Result.of(segmentedOpen), "ms", "SQLite open + append", sqliteOpen, "<= 3.0");
		deleteTree(segmented);
		discardFiles();
	}

	/**
	 * Personal data (#29): the same event with and without two personal fields, appended
	 * ({@code NEVER} 1 thread, {@code ALWAYS} 16 threads) and read (a 100-event stream
	 * decoded into its class), in turns; then erasures among 100,000 subjects in a file
	 * key store, the journal fsyncing ALWAYS.
	 */
	/**
	 * Processor segments (#30): a handler taking 2 ms an event, with 1 and 8 segments, in
	 * turns (twice each); and a no-op replay of one segment beside paging with readAll.
	 */
	private void processorSegmentRows() throws Exception {
		Settings s = this.settings;
		int perSegment = s.quick() ? 300 : 1_500;
		double[] one = new double[2];
		double[] eight = new double[2];
		for (int round = 0; round < 2; round++) {
			discardFiles();
			one[round] = ProcessorSegmentScenarios.fileThroughput(file("slow-1"), 1, perSegment);
			discardFiles();
			eight[round] = ProcessorSegmentScenarios.fileThroughput(file("slow-8"), 8, 8 * perSegment);
		}
		System.out.printf(Locale.ROOT, "slow handler, file: 1 segment %s, 8 segments %s events/s%n",
				Arrays.toString(one), Arrays.toString(eight));
		Measurement.Result oneMean = Measurement.Result.of((one[0] + one[1]) / 2);
		row("processor: 2 ms handler, 1 segment, file (mean of 2)", 1, oneMean, "events/s", null, Double.NaN, "");
		row("processor: 2 ms handler, 8 segments, file (mean of 2)", 8,
				Measurement.Result.of((eight[0] + eight[1]) / 2), "events/s", "1 segment", oneMean.opsPerSecond(),
				">= 5.6 (0.7 x 8)");
		if (s.postgres()) {
			try (PostgresScenarios postgres = new PostgresScenarios()) {
				double[] pgOne = new double[2];
				double[] pgEight = new double[2];
				for (int round = 0; round < 2; round++) {
					pgOne[round] = postgres.segmentThroughput("slow1_" + round + "_", 1, 1, perSegment);
					pgEight[round] = postgres.segmentThroughput("slow8_" + round + "_", 8, 2, 8 * perSegment);
				}
				System.out.printf(Locale.ROOT,
						"slow handler, PostgreSQL: 1 segment %s, 8 segments on 2 instances %s " + "events/s%n",
						Arrays.toString(pgOne), Arrays.toString(pgEight));
				Measurement.Result pgOneMean = Measurement.Result.of((pgOne[0] + pgOne[1]) / 2);
				row("processor: 2 ms handler, 1 segment, PostgreSQL (mean of 2)", 1, pgOneMean, "events/s", null,
						Double.NaN, "");
				row("processor: 2 ms handler, 8 segments on 2 instances, PostgreSQL (mean of 2)", 8,
						Measurement.Result.of((pgEight[0] + pgEight[1]) / 2), "events/s", "1 segment",
						pgOneMean.opsPerSecond(), ">= 5.6 (0.7 x 8)");
			}
			catch (Exception | LinkageError ex) {
				System.out.println("PostgreSQL rows skipped: " + ex);
			}
		}
		discardFiles();
		int events = s.journalEvents();
		try (EventStore store = StoreScenarios.fileStore(file("replay"), FsyncPolicy.NEVER)) {
			StoreScenarios.fill(store, events);
			ProcessorScenarios.Replay replay = ProcessorScenarios.replay(store, file("replay"), 1_000);
			String size = String.format(Locale.ROOT, "%,d events", events);
			row("raw: readAll pages in order, " + size, 1, Measurement.Result.of(replay.readAllEventsPerSecond()),
					"events/s", null, Double.NaN, "");
			row("processor: replay, no-op handler, 1 segment, " + size, 1,
					Measurement.Result.of(replay.processorEventsPerSecond()), "events/s", "readAll pages in order",
					replay.readAllEventsPerSecond(), ">= 0.9 (was 0.91-1.01)");
		}
		discardFiles();
	}

	private void personalRows() throws Exception {
		Settings s = this.settings;
		Path dir = s.dir();
		for (Object[] run : new Object[][] { { FsyncPolicy.NEVER, 1 }, { FsyncPolicy.ALWAYS, 16 } }) {
			FsyncPolicy fsync = (FsyncPolicy) run[0];
			int threads = (Integer) run[1];
			Measurement.Result[] results = alternating(() -> {
				try (EventStore store = PersonalScenarios.store(dir, "plain", fsync, false)) {
					return PersonalScenarios.append(store, threads, false, s);
				}
			}, () -> {
				try (EventStore store = PersonalScenarios.store(dir, "personal", fsync, true)) {
					return PersonalScenarios.append(store, threads, true, s);
				}
			});
			row("store: append, no personal fields, fsync " + fsync + " (mean of 2)", threads, results[0], "appends/s",
					null, Double.NaN, "");
			row("store: append, two @PersonalData fields, fsync " + fsync + " (mean of 2)", threads, results[1],
					"appends/s", "the same event without them", results[0].opsPerSecond(), ">= 0.85");
		}
		for (int streams : new int[] { 100, 50 }) {
			Measurement.Result[] reads = alternating(() -> {
				try (EventStore store = PersonalScenarios.store(dir, "plain-read", FsyncPolicy.NEVER, false)) {
					return PersonalScenarios.read(store, false, streams, s);
				}
			}, () -> {
				try (EventStore store = PersonalScenarios.store(dir, "personal-read", FsyncPolicy.NEVER, true)) {
					return PersonalScenarios.read(store, true, streams, s);
				}
			});
			String of = (streams == 100) ? "of 100 streams" : "of 50 streams (all in the decoded-events cache)";
			row("store: readStream of 100 + payload(Class), no personal fields, " + of + " (mean of 2)", 1, reads[0],
					"reads/s", null, Double.NaN, "");
			row("store: readStream of 100 + payload(Class), two @PersonalData fields, " + of + " (mean of 2)", 1,
					reads[1], "reads/s", "the same events without them", reads[0].opsPerSecond(),
					(streams == 100) ? ">= 0.8" : "");
		}
		int subjects = s.quick() ? 5_000 : 100_000;
		Measurement.Result erasures = PersonalScenarios.erasures(dir, subjects, s.quick() ? 100 : 1_000);
		row(String.format(Locale.ROOT, "store: erasePersonalData, %,d subjects in a file key store, ALWAYS", subjects),
				1, erasures, "erasures/s", null, Double.NaN, String.format(Locale.ROOT, "p99 %.1f ms <= 10 ms: %s",
						erasures.p99Micros() / 1000, (erasures.p99Micros() <= 10_000) ? "MET" : "MISSED"));
		deleteTree(dir.resolve("personal.keys"));
		deleteTree(dir.resolve("personal-read.keys"));
		deleteTree(dir.resolve("erasures.keys"));
	}

	private static void fillPeerLog(EventStore store, int events) {
		try (store) {
			List<NewEvent> batch = new ArrayList<>(100);
			for (int i = 0; i < events; i++) {
				batch.add(Workload.event(i));
				if (batch.size() == 100 || i == events - 1) {
					store.appendBatch(StoreScenarios.peerStream(i), batch);
					batch = new ArrayList<>(100);
				}
			}
		}
	}

	/**
	 * Opens a journal and makes one durable append: milliseconds, the close (which
	 * records the next open's index) not counted, as SQLite's is not.
	 */
	private static double openAndAppend(Path journal) {
		long start = System.nanoTime();
		double millis;
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.ALWAYS).build()) {
			store.append("cold-" + System.nanoTime(), Workload.event(1));
			millis = (System.nanoTime() - start) / 1e6;
		}
		return millis;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private void postgresRows() {
		Settings s = this.settings;
		try (PostgresScenarios postgres = new PostgresScenarios()) {
			String durability = postgres.durability();
			System.out.println("PostgreSQL: " + durability);
			this.notes.add("PostgreSQL rows: " + durability);
			for (int threads : new int[] { 1, 16 }) {
				Measurement.Result raw = postgres.rawInserts(threads, s);
				Measurement.Result autocommit = postgres.rawAutocommit(threads, 1, s);
				Measurement.Result store = postgres.store(threads, s);
				row("raw: PostgreSQL BEGIN; INSERT; COMMIT (Axon's JDBC design)", threads, raw, "rows/s", null,
						Double.NaN, "");
				row("raw: PostgreSQL autocommit INSERT", threads, autocommit, "rows/s", null, Double.NaN, "");
				row("store: append, PostgreSQL journal", threads, store, "appends/s", "BEGIN; INSERT; COMMIT",
						raw.opsPerSecond(), (threads == 1) ? ">= 0.8" : ">= 1.0");
				row("store: append, PostgreSQL journal", threads, store, "appends/s", "autocommit INSERT",
						autocommit.opsPerSecond(), ">= 0.9");
			}
			Measurement.Result indexed = postgres.rawIndexedAutocommit(s);
			row("raw: PostgreSQL autocommit INSERT, the journal's indexes", 1, indexed, "rows/s", null, Double.NaN, "");
			Measurement.Result rawBatch = postgres.rawAutocommit(1, 10, s);
			Measurement.Result batches = postgres.storeBatches(10, s);
			row("raw: PostgreSQL autocommit 10-row INSERT", 1, rawBatch, "rows/s", null, Double.NaN, "");
			row("store: batches of 10, PostgreSQL journal", 1, batches, "events/s", "autocommit 10-row INSERT",
					rawBatch.opsPerSecond(), ">= 0.8");
			row("processor: live latency, PostgreSQL, other instance appends", 1, postgres.processorLatency(s),
					"events/s", null, Double.NaN, "p50/p99 (LISTEN/NOTIFY)");
		}
		catch (Exception | LinkageError ex) {
			System.out.println("PostgreSQL rows skipped: " + ex);
		}
	}

	private void kafkaRows() throws Exception {
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

	private void boundaryRows() throws Exception {
		Settings s = this.settings;
		for (FsyncPolicy policy : new FsyncPolicy[] { FsyncPolicy.ALWAYS, FsyncPolicy.NEVER }) {
			for (int threads : (policy == FsyncPolicy.ALWAYS) ? new int[] { 1, 16 } : new int[] { 1 }) {
				// In turns, twice each: the disk's speed drifts, and fsync rows are
				// short.
				Measurement.Result[] plain = new Measurement.Result[2];
				Measurement.Result[] conditional = new Measurement.Result[2];
				try (EventStore store = StoreScenarios.fileStore(file("dcb-" + policy + "-" + threads), policy)) {
					for (int round = 0; round < 2; round++) {
						plain[round] = BoundaryScenarios.append(store, threads, false, s);
						conditional[round] = BoundaryScenarios.append(store, threads, true, s);
					}
				}
				Measurement.Result plainMean = Measurement.Result.mean(plain[0], plain[1]);
				row("store: tagged append, fsync " + policy + " (mean of 2)", threads, plainMean, "appends/s", null,
						Double.NaN, "");
				row("store: conditional append, fsync " + policy + " (mean of 2)", threads,
						Measurement.Result.mean(conditional[0], conditional[1]), "appends/s",
						"the same without condition", plainMean.opsPerSecond(),
						(policy == FsyncPolicy.ALWAYS) ? ">= 0.9" : ">= 0.8");
			}
		}
		int events = s.journalEvents();
		Path directory = s.dir().resolve("dcb-reads");
		deleteTree(directory);
		BoundaryScenarios.Reads reads = BoundaryScenarios.reads(directory, events, s);
		String size = String.format(Locale.ROOT, "%,d events", events);
		row("raw: readAll scan filtering one tag's 20 events, " + size, 1, Measurement.Result.of(reads.tagScan()),
				"events/s", null, Double.NaN, "");
		row("store: read one tag's 20 events, segmented, warm", 1, Measurement.Result.of(reads.tagQuery()), "events/s",
				"target", 100_000, ">= 1.0 x 100 k/s");
		row("store: read one tag's 20 events, segmented, warm", 1, Measurement.Result.of(reads.tagQuery()), "events/s",
				"readAll scan filtering", reads.tagScan(), ">= 20");
		row("store: read a 1 % type, segmented, warm", 1, Measurement.Result.of(reads.typeQuery()), "events/s",
				"readAll scan filtering", reads.typeScan(), ">= 20");
		row("store: heap retained, segmented, two tags an event (index, ids, tags)", 1,
				Measurement.Result.of(reads.heapBytesPerEvent()), "bytes/event", "target", 64, "<= 1.0 x 64 B");
		deleteTree(directory);
		discardFiles();
		double singleFile = BoundaryScenarios.singleFileHeap(file("dcb-single"), events);
		row("store: heap retained, single file, two tags an event (line index, ids, tags)", 1,
				Measurement.Result.of(singleFile), "bytes/event", "target", 64, "<= 1.0 x 64 B");
		discardFiles();
		if (s.postgres()) {
			try (PostgresScenarios postgres = new PostgresScenarios()) {
				for (int threads : new int[] { 1, 16 }) {
					Measurement.Result[] results = postgres.boundary(threads, s.journalEvents(), s);
					row("store: tagged append, PostgreSQL", threads, results[0], "appends/s", null, Double.NaN, "");
					row("store: conditional append, PostgreSQL", threads, results[1], "appends/s",
							"the same without condition", results[0].opsPerSecond(), ">= 0.5");
				}
			}
		}
	}

	static void deleteTree(Path directory) throws IOException {
		if (Files.exists(directory)) {
			try (var paths = Files.walk(directory)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
		Files.deleteIfExists(directory.resolveSibling(directory.getFileName() + ".lock"));
	}

	/**
	 * The rows of one event body (#26): a replay that decodes every event's data against
	 * a plain readLine + Jackson parse of the same file, and a typed append against the
	 * same append on the store of an earlier core jar
	 * ({@code -Dbenchmarks.baselineCore}), in turns.
	 */
	private void bodyRows(Path largeJournal) throws Exception {
		Settings s = this.settings;
		String size = String.format(Locale.ROOT, "%,d", s.journalEvents());
		try (EventStore store = EventStore.builder().persistPath(largeJournal).fsync(FsyncPolicy.NEVER).build()) {
			BodyScenarios.Replay replay = BodyScenarios.replay(store, largeJournal, s.quick() ? 2 : 3);
			row("raw: readLine + Jackson readValue(line, Map), whole file, " + size, 1,
					Measurement.Result.of(replay.baselineEventsPerSecond()), "events/s", null, Double.NaN, "");
			row("store: replay, readAll pages of 1,000 + data() of each", 1,
					Measurement.Result.of(replay.storeEventsPerSecond()), "events/s", "readLine + readValue(Map)",
					replay.baselineEventsPerSecond(), ">= 0.8");
		}
		String earlier = System.getProperty("benchmarks.baselineCore", "");
		ClassLoader earlierCore = earlier.isBlank() ? null : BodyScenarios.earlierCore(Path.of(earlier));
		Measurement.Result[] today = new Measurement.Result[2];
		Measurement.Result[] before = new Measurement.Result[2];
		for (int round = 0; round < 2; round++) {
			today[round] = typedAppend(getClass().getClassLoader(), file("typed-" + round));
			if (earlierCore != null) {
				before[round] = typedAppend(earlierCore, file("typed-earlier-" + round));
			}
		}
		if (earlierCore != null) {
			Measurement.Result earlierMean = Measurement.Result.mean(before[0], before[1]);
			row("earlier core: typed append, application mapper, NEVER (mean of 2)", 1, earlierMean, "appends/s", null,
					Double.NaN, Path.of(earlier).getFileName().toString());
			row("store: typed append, application mapper, NEVER (mean of 2)", 1,
					Measurement.Result.mean(today[0], today[1]), "appends/s", "the same, earlier core",
					earlierMean.opsPerSecond(), ">= 1.3");
		}
		else {
			row("store: typed append, application mapper, NEVER (mean of 2)", 1,
					Measurement.Result.mean(today[0], today[1]), "appends/s", null, Double.NaN,
					"no -Dbenchmarks.baselineCore jar to compare with");
		}
	}

	private Measurement.Result typedAppend(ClassLoader loader, Path file) throws Exception {
		Files.deleteIfExists(file);
		try (BodyScenarios.TypedAppend typed = new BodyScenarios.TypedAppend(loader, file)) {
			return Measurement.run(1, this.settings.warmupMillis(), this.settings.measureMillis(), false,
					(t, i) -> typed.append(i));
		}
	}

	private void segmentRows(SegmentScenarios.Sizes sizes) throws Exception {
		Settings s = this.settings;
		// Only the opt-in run drops the page cache: the smoke test in CI must not slow
		// the
		// machine down for everything else on it.
		boolean cold = s.segmentsOnly() && SegmentScenarios.dropPageCache();
		SegmentScenarios.dropCaches = cold;
		this.notes.add("Segment rows: segments of " + (sizes.segmentSize() >> 10) + " KiB; opens "
				+ (cold ? "cold (page cache dropped before each, median of 3)"
						: "warm (page cache not dropped: only --segments as root does), median of 3")
				+ "; reads after one pass over the log through the store (page cache and memory maps warm)");
		String small = String.format(Locale.ROOT, "%,d", sizes.small());
		String medium = String.format(Locale.ROOT, "%,d", sizes.medium());
		String large = String.format(Locale.ROOT, "%,d", sizes.large());
		Path dir = this.settings.dir();

		// Today: one file of the medium size.
		Path single = dir.resolve("segments-single.ndjson");
		SegmentScenarios.delete(single);
		SegmentScenarios.write(single, sizes.medium(), 0);
		SegmentScenarios.Opened today = SegmentScenarios.measure(single, 0, sizes.medium(), s,
				SegmentScenarios.medianColdOpenMillis(single, 0, sizes.medium(), 3));
		SegmentScenarios.delete(single);
		row("single file: open " + medium + " events", 1, Measurement.Result.of(1000 / today.coldOpenMillis()),
				"opens/s", null, Double.NaN, String.format(Locale.ROOT, "%.0f ms", today.coldOpenMillis()));
		row("single file: heap retained, " + medium + " events", 1, Measurement.Result.of(today.retainedBytes()),
				"bytes/event", null, Double.NaN, "");

		Path mediumJournal = dir.resolve("segments-medium");
		SegmentScenarios.delete(mediumJournal);
		SegmentScenarios.write(mediumJournal, sizes.medium(), sizes.segmentSize());
		SegmentScenarios.Opened segmentedMedium = SegmentScenarios.measure(mediumJournal, sizes.segmentSize(),
				sizes.medium(), s,
				SegmentScenarios.medianColdOpenMillis(mediumJournal, sizes.segmentSize(), sizes.medium(), 3));
		SegmentScenarios.delete(mediumJournal);

		Path smallJournal = dir.resolve("segments-small");
		Path largeJournal = dir.resolve("segments-large");
		SegmentScenarios.delete(smallJournal);
		SegmentScenarios.delete(largeJournal);
		long writeStart = System.nanoTime();
		SegmentScenarios.write(largeJournal, sizes.large(), sizes.segmentSize());
		double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
		SegmentScenarios.write(smallJournal, sizes.small(), sizes.segmentSize());
		this.notes.add(String.format(Locale.ROOT,
				"Segment rows: the %s-event journal takes %,d MB on disk " + "(indexes included), written in %.0f s",
				large, SegmentScenarios.diskBytes(largeJournal) >> 20, writeSeconds));
		List<Double> smallOpens = new ArrayList<>();
		List<Double> largeOpens = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			smallOpens.add(SegmentScenarios.coldOpenMillis(smallJournal, sizes.segmentSize(), sizes.small()));
			largeOpens.add(SegmentScenarios.coldOpenMillis(largeJournal, sizes.segmentSize(), sizes.large()));
		}
		smallOpens.sort(null);
		largeOpens.sort(null);
		double smallOpen = smallOpens.get(1);
		double largeOpen = largeOpens.get(1);
		long smallTail = SegmentScenarios.tailEvents(smallJournal);
		SegmentScenarios.Opened segmentedLarge = SegmentScenarios.measure(largeJournal, sizes.segmentSize(),
				sizes.large(), s, largeOpen);
		SegmentScenarios.delete(smallJournal);
		SegmentScenarios.delete(largeJournal);

		// The worst case: a last segment one append short of sealing, all of it scanned.
		Path fullTail = dir.resolve("segments-full-tail");
		SegmentScenarios.delete(fullTail);
		int fullTailEvents = SegmentScenarios.writeFullTail(fullTail, sizes.segmentSize());
		double fullTailOpen = SegmentScenarios.medianColdOpenMillis(fullTail, sizes.segmentSize(), fullTailEvents, 3);
		long fullTailTail = SegmentScenarios.tailEvents(fullTail);
		SegmentScenarios.delete(fullTail);

		row("segmented: open " + small + " events", 1, Measurement.Result.of(1000 / smallOpen), "opens/s", null,
				Double.NaN, String.format(Locale.ROOT, "%.0f ms, tail %,d events", smallOpen, smallTail));
		row("segmented: open " + large + " events", 1, Measurement.Result.of(1000 / largeOpen), "opens/s",
				"segmented: open " + small, 1000 / smallOpen, String.format(Locale.ROOT,
						">= 0.83 (time <= 1.2 x): %.0f ms, tail %,d events", largeOpen, segmentedLarge.tailEvents()));
		row("segmented: open, last segment 97 % full", 1, Measurement.Result.of(1000 / fullTailOpen), "opens/s",
				"segmented: open " + small, 1000 / smallOpen,
				String.format(Locale.ROOT, "worst case: %.0f ms, tail %,d events", fullTailOpen, fullTailTail));
		double todayIndex = today.retainedBytes() * sizes.large();
		row("segmented: heap retained, " + large + " events", 1,
				Measurement.Result.of(segmentedLarge.retainedBytes() * sizes.large()), "bytes",
				"single file's index (B/event x " + large + ")", todayIndex,
				String.format(Locale.ROOT, "<= 0.1 (%.1f MB vs %.0f MB)",
						segmentedLarge.retainedBytes() * sizes.large() / 1e6, todayIndex / 1e6));
		row("segmented: readStream of 100, " + medium + " events", 1, segmentedMedium.readStream(), "reads/s", null,
				Double.NaN, "");
		row("segmented: readStream of 100, " + large + " events", 1, segmentedLarge.readStream(), "reads/s",
				"the same, " + medium + " events", segmentedMedium.readStream().opsPerSecond(),
				String.format(Locale.ROOT, "p50 %.0f us <= 1.5 x %.0f us: %s", segmentedLarge.readStream().p50Micros(),
						segmentedMedium.readStream().p50Micros(),
						(segmentedLarge.readStream().p50Micros() <= 1.5 * segmentedMedium.readStream().p50Micros())
								? "MET" : "MISSED"));
		row("single file: readAll pages of 1,000, " + medium, 1, today.readAllPages(), "pages/s", null, Double.NaN, "");
		row("segmented: readAll pages of 1,000, " + large, 1, segmentedLarge.readAllPages(), "pages/s",
				"single file, " + medium + " events", today.readAllPages().opsPerSecond(), ">= 0.8");

		// Appends before (one file) and after (segments), neighbours in time, twice in
		// alternating order; each journal is deleted right after its run, so that the
		// kernel's writeback of its dirty pages does not slow the next run down.
		long segment = sizes.segmentSize();
		for (Object[] scenario : new Object[][] { { FsyncPolicy.NEVER, 1 }, { FsyncPolicy.ALWAYS, 16 } }) {
			FsyncPolicy policy = (FsyncPolicy) scenario[0];
			int threads = (Integer) scenario[1];
			double[] oneFile = new double[2];
			double[] segmented = new double[2];
			Measurement.Result one = null;
			Measurement.Result many = null;
			for (int round = 0; round < 2; round++) {
				for (boolean segmentedFirst : new boolean[] { round == 1, round == 0 }) {
					Path journal = dir.resolve("segments-append");
					SegmentScenarios.delete(journal);
					EventStore.Builder builder = EventStore.builder().persistPath(journal).fsync(policy);
					try (EventStore store = (segmentedFirst ? builder.segmentSize(segment) : builder).build()) {
						Measurement.Result result = StoreScenarios.append(store, threads, s, true);
						if (segmentedFirst) {
							segmented[round] = result.opsPerSecond();
							many = result;
						}
						else {
							oneFile[round] = result.opsPerSecond();
							one = result;
						}
					}
					SegmentScenarios.delete(journal);
				}
			}
			row("single file: append, fsync " + policy + " (mean of 2)", threads,
					Measurement.Result.of((oneFile[0] + oneFile[1]) / 2), "appends/s", null, Double.NaN,
					String.format(Locale.ROOT, "runs %,.0f and %,.0f; p50/p99 of the last: %.0f/%.0f us", oneFile[0],
							oneFile[1], one.p50Micros(), one.p99Micros()));
			row("segmented: append, fsync " + policy + " (mean of 2)", threads,
					Measurement.Result.of((segmented[0] + segmented[1]) / 2), "appends/s", "single file, same threads",
					(oneFile[0] + oneFile[1]) / 2,
					String.format(Locale.ROOT, ">= 0.9 (noise): runs %,.0f and %,.0f; p50/p99 %.0f/%.0f us",
							segmented[0], segmented[1], many.p50Micros(), many.p99Micros()));
		}
	}

	private Measurement.Result intervalAppends(int threads, Settings s) throws Exception {
		discardFiles();
		try (EventStore store = StoreScenarios.fileStore(file("interval-" + threads), FsyncPolicy.INTERVAL)) {
			return StoreScenarios.append(store, threads, s, true);
		}
	}

	/**
	 * Runs two scenarios twice each, in the order first, second, second, first, each
	 * after the files of earlier runs were deleted.
	 * @return the mean of each scenario's two runs
	 */
	private Measurement.Result[] alternating(Scenario first, Scenario second) throws Exception {
		discardFiles();
		Measurement.Result first1 = first.run();
		discardFiles();
		Measurement.Result second1 = second.run();
		discardFiles();
		Measurement.Result second2 = second.run();
		discardFiles();
		Measurement.Result first2 = first.run();
		discardFiles();
		return new Measurement.Result[] { Measurement.Result.mean(first1, first2),
				Measurement.Result.mean(second1, second2) };
	}

	/** One measured run. */
	@FunctionalInterface
	private interface Scenario {

		Measurement.Result run() throws Exception;

	}

	private void row(String name, int threads, Measurement.Result result, String unit, String baseline,
			double baselineValue, String target) {
		String ratio = "";
		if (!Double.isNaN(baselineValue) && baselineValue > 0) {
			double r = result.opsPerSecond() / baselineValue;
			ratio = String.format(Locale.ROOT, "%.2f", r);
			if (target.startsWith(">= ")) {
				double want = Double.parseDouble(target.substring(3).split(" ")[0]);
				target = target + ((r >= want) ? "  MET" : "  MISSED");
			}
			else if (target.startsWith("<= ")) {
				double want = Double.parseDouble(target.substring(3).split(" ")[0]);
				target = target + ((r <= want) ? "  MET" : "  MISSED");
			}
		}
		String line = String.format(Locale.ROOT, "| %-52s | %3d | %13s | %-11s | %8s | %8s | %-31s | %5s | %-30s |",
				name, threads, unit.isEmpty() ? "" : format(result.opsPerSecond()), unit, micros(result.p50Micros()),
				micros(result.p99Micros()), (baseline != null) ? baseline : "", ratio, target);
		this.rows.add(line);
		System.out.println(line);
	}

	private void printTable() {
		System.out.println();
		System.out
			.println(String.format(Locale.ROOT, "| %-52s | %3s | %13s | %-11s | %8s | %8s | %-31s | %5s | %-30s |",
					"measurement", "thr", "result", "unit", "p50 us", "p99 us", "baseline", "ratio", "target"));
		System.out.println("|" + "-".repeat(54) + "|-----|" + "-".repeat(15) + "|" + "-".repeat(13) + "|"
				+ "-".repeat(10) + "|" + "-".repeat(10) + "|" + "-".repeat(33) + "|-------|" + "-".repeat(32) + "|");
		this.rows.forEach(System.out::println);
		System.out.println();
		this.notes.forEach(System.out::println);
	}

	private static String format(double value) {
		if (Double.isNaN(value)) {
			return "";
		}
		return (value >= 100) ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String micros(double value) {
		return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.0f", value);
	}

}
