package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;

/**
 * The store beside SQLite in python-eventsourcing's design (#32): durable appends on 1
 * and 16 threads and batches of 10, then over the same 1,000,000 events (streams of 100):
 * a replay decoded, a random stream's 100 events decoded (mostly not in the store's
 * decoded-events cache), and a cold open with one durable append, single file and
 * segmented.
 */
final class PeerRows extends RowGroup {

	PeerRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
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

}
