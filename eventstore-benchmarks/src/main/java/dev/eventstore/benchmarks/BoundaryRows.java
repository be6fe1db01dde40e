package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.util.Locale;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * The rows of #28: conditional appends against the same appends without a condition, in
 * one run (file, then PostgreSQL when it runs), and reads by tag and by type against a
 * scan of the log.
 */
final class BoundaryRows extends RowGroup {

	BoundaryRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
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

}
