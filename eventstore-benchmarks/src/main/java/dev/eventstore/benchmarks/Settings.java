package dev.eventstore.benchmarks;

import java.nio.file.Path;

/**
 * How long and how big: the full run, the quick one, or the smoke test's (every row,
 * briefly).
 */
record Settings(boolean quick, Path dir, long warmupMillis, long measureMillis, int journalEvents, boolean postgres,
		boolean segmentsOnly, boolean bodiesOnly, boolean boundariesOnly, boolean kafkaOnly, boolean postgresOnly,
		boolean batchesOnly, boolean peersOnly, boolean personalOnly) {

	Settings(boolean quick, Path dir, long warmupMillis, long measureMillis, int journalEvents, boolean postgres) {
		this(quick, dir, warmupMillis, measureMillis, journalEvents, postgres, false, false, false, false, false, false,
				false, false);
	}

	static Settings parse(String[] args) {
		boolean quick = false;
		boolean smoke = false;
		boolean postgres = true;
		boolean segments = false;
		boolean bodies = false;
		boolean boundaries = false;
		boolean kafka = false;
		boolean postgresOnly = false;
		boolean batches = false;
		boolean peers = false;
		boolean personal = false;
		Path dir = Path.of("target", "bench");
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--full" -> quick = false;
				case "--smoke" -> smoke = true;
				case "--no-postgres" -> postgres = false;
				case "--segments" -> segments = true;
				case "--bodies" -> bodies = true;
				case "--boundaries" -> boundaries = true;
				case "--kafka" -> kafka = true;
				case "--postgres" -> postgresOnly = true;
				case "--batches" -> batches = true;
				case "--peers" -> peers = true;
				case "--personal" -> personal = true;
				case "--dir" -> dir = Path.of(args[++i]);
				default -> throw new IllegalArgumentException("Unknown argument " + args[i]
						+ "; use --quick, --full, --smoke, --segments, --bodies, --boundaries, --kafka, --postgres, --batches, --peers, --personal, --no-postgres, --dir <directory>");
			}
		}
		if (personal) {
			// Personal data's rows alone (#29): appends and reads with and without
			// personal fields, erasures among 100,000 subjects.
			return new Settings(false, dir, 1_000, 3_000, 100_000, false, false, false, false, false, false, false,
					false, true);
		}
		if (segments) {
			// The segmented journal at 10 M events, alone: about 4 GB of disk.
			return new Settings(false, dir, 1_000, 3_000, 1_000_000, false, true, false, false, false, false, false,
					false, false);
		}
		if (bodies) {
			// The rows of one event body (#26) alone, at full size: a few minutes.
			return new Settings(false, dir, 1_000, 3_000, 1_000_000, false, false, true, false, false, false, false,
					false, false);
		}
		if (boundaries) {
			// The rows of consistency boundaries (#28) alone, at full size.
			return new Settings(false, dir, 1_000, 3_000, 1_000_000, postgres, false, false, true, false, false, false,
					false, false);
		}
		if (peers) {
			// The SQLite peer rows alone (#32), over a 1,000,000-event log.
			return new Settings(false, dir, 1_000, 3_000, 1_000_000, false, false, false, false, false, false, false,
					true, false);
		}
		if (batches) {
			// The batch rows alone, with #32's baseline of the same lines and one force.
			return new Settings(false, dir, 1_000, 3_000, 100_000, false, false, false, false, false, false, true,
					false, false);
		}
		if (postgresOnly) {
			// The PostgreSQL rows alone, with #32's autocommit baselines.
			return new Settings(false, dir, 1_000, 3_000, 100_000, true, false, false, false, false, true, false, false,
					false);
		}
		if (kafka) {
			// The Kafka forwarding row (#31) alone: 100,000 events to an embedded broker.
			return new Settings(false, dir, 1_000, 3_000, 100_000, false, false, false, false, true, false, false,
					false, false);
		}
		if (smoke) {
			return new Settings(true, dir, 20, 60, 20_000, postgres);
		}
		return quick ? new Settings(true, dir, 150, 400, 200_000, postgres)
				: new Settings(false, dir, 1_000, 3_000, 1_000_000, postgres);
	}

}
