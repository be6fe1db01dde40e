package dev.eventstore.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every row of the benchmark runner, briefly, so the runner cannot rot between
 * benchmark runs. It asserts that each row ran and printed, never how fast.
 */
class BenchmarkRunnerSmokeTests {

	@TempDir
	Path dir;

	@Test
	void everyRowRunsAndPrintsItsFigures() throws Exception {
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		PrintStream original = System.out;
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			BenchmarkRunner.main(new String[] { "--smoke", "--dir", this.dir.toString() });
		}
		finally {
			System.setOut(original);
		}
		String output = captured.toString(StandardCharsets.UTF_8);
		original.println(output);
		assertThat(output).contains("| measurement")
			.contains("store: append, fsync ALWAYS")
			.contains("store: append, fsync NEVER (mean of 2)")
			.contains("store: append, fsync INTERVAL (mean of 2)")
			.contains("store: open 20,000-event journal")
			.contains("cli: verify 20,000-event journal")
			.contains("processor: replay, no-op handler, checkpoints on")
			.contains("load a 10,050-event stream from its snapshot")
			.contains("processor: live latency append -> handler, file NEVER")
			.contains("store: append, PostgreSQL journal")
			.contains("raw: serialise + write per line under a lock")
			.contains("segmented: open 100,000 events")
			.contains("segmented: heap retained, 100,000 events")
			.contains("segmented: readStream of 100, 100,000 events")
			.contains("segmented: readAll pages of 1,000, 100,000")
			.contains("segmented: append, fsync ALWAYS (mean of 2)")
			.contains("PostgreSQL rows: fsync=on, synchronous_commit=on")
			.contains("processor: live latency, PostgreSQL, other instance appends")
			.contains("raw: PostgreSQL autocommit INSERT")
			.contains("store: batches of 10, PostgreSQL journal")
			.contains("store: appendBatch of 10, fsync ALWAYS (mean of 2)")
			.contains("raw: 10 lines made beforehand + one write + force")
			.contains("store: heap retained, single file, two tags an event")
			.contains("peer: SQLite WAL synchronous=FULL, one INSERT a transaction")
			.contains("peer: SQLite WAL synchronous=NORMAL, one INSERT a transaction")
			.contains("store: readStream of a random 100-event stream + data(), 20,000 events")
			.contains("store: open + one durable append, segmented, clean close, 20,000 events")
			.doesNotContain("PostgreSQL rows skipped")
			.contains("Took");
	}

}
