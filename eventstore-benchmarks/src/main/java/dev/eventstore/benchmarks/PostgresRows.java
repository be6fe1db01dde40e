package dev.eventstore.benchmarks;

/**
 * The PostgreSQL journal's rows: appends against Axon's JDBC design and raw autocommit
 * inserts, appends of personal data against the same events without it, and a processor's
 * live latency when another instance appends.
 */
final class PostgresRows extends RowGroup {

	PostgresRows(RowGroup run) {
		super(run);
	}

	void run() {
		Settings s = this.settings;
		try (PostgresScenarios postgres = new PostgresScenarios()) {
			String durability = postgres.durability();
			System.out.println("PostgreSQL: " + durability);
			note("PostgreSQL rows: " + durability);
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
			Measurement.Result indexed = postgres.rawIndexedAutocommit(1, s);
			row("raw: PostgreSQL autocommit INSERT, the journal's indexes", 1, indexed, "rows/s", null, Double.NaN, "");
			Measurement.Result rawBatch = postgres.rawAutocommit(1, 10, s);
			Measurement.Result batches = postgres.storeBatches(10, s);
			row("raw: PostgreSQL autocommit 10-row INSERT", 1, rawBatch, "rows/s", null, Double.NaN, "");
			row("store: batches of 10, PostgreSQL journal", 1, batches, "events/s", "autocommit 10-row INSERT",
					rawBatch.opsPerSecond(), ">= 0.8");
			// The same rows into a table with the journal's five indexes (its position,
			// stream and version, id, type and tags), which a batch of ten maintains ten
			// times each: the part of the gap that is the journal's indexes, not its
			// append.
			Measurement.Result indexedBatch = postgres.rawIndexedAutocommit(10, s);
			row("raw: PostgreSQL autocommit 10-row INSERT, the journal's indexes", 1, indexedBatch, "rows/s", null,
					Double.NaN, "");
			row("store: batches of 10, PostgreSQL journal", 1, batches, "events/s",
					"10-row INSERT, the journal's indexes", indexedBatch.opsPerSecond(), "");
			Measurement.Result[] personal = postgres.personal(s);
			row("store: append, PostgreSQL journal, event without personal data", 1, personal[0], "appends/s", null,
					Double.NaN, "");
			row("store: append, PostgreSQL journal, two @PersonalData fields, keys in its schema", 1, personal[1],
					"appends/s", "the same event without them", personal[0].opsPerSecond(), "");
			row("processor: live latency, PostgreSQL, other instance appends", 1, postgres.processorLatency(s),
					"events/s", null, Double.NaN, "p50/p99 (LISTEN/NOTIFY)");
		}
		catch (Exception | LinkageError ex) {
			System.out.println("PostgreSQL rows skipped: " + ex);
		}
	}

}
