package dev.eventstore.benchmarks;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * Batches of 10 and 100, each policy; under {@code ALWAYS}, batches of 10 in turns with a
 * raw write of the same ten lines and one force (#32), twice each.
 */
final class BatchRows extends RowGroup {

	BatchRows(RowGroup run) {
		super(run);
	}

	void run(Measurement.Result fsyncs, Measurement.Result serialized) throws Exception {
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

}
