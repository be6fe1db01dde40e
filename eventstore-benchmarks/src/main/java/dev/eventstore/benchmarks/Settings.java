package dev.eventstore.benchmarks;

import java.nio.file.Path;

/**
 * How long and how big: the full run, the quick one, or the smoke test's (every row,
 * briefly); or one {@link Mode}'s rows alone.
 */
record Settings(boolean quick, Path dir, long warmupMillis, long measureMillis, int journalEvents, boolean postgres,
		Mode mode) {

	/** Which rows a run measures. */
	enum Mode {

		/** Every row. */
		ALL,

		/** The segmented journal at 10 M events, alone: about 4 GB of disk. */
		SEGMENTS,

		/** The rows of one event body (#26) alone, at full size: a few minutes. */
		BODIES,

		/** The rows of consistency boundaries (#28) alone, at full size. */
		BOUNDARIES,

		/** The Kafka forwarding row (#31) alone: 100,000 events to an embedded broker. */
		KAFKA,

		/** The PostgreSQL rows alone, with #32's autocommit baselines. */
		POSTGRES,

		/** The batch rows alone, with #32's baseline of the same lines and one force. */
		BATCHES,

		/** The SQLite peer rows alone (#32), over a 1,000,000-event log. */
		PEERS,

		/**
		 * Personal data's rows alone (#29): appends and reads with and without personal
		 * fields, erasures among 100,000 subjects.
		 */
		PERSONAL,

		/**
		 * Processor segments' rows alone (#30): a slow handler with 1 and 8 segments, in
		 * one process and on two PostgreSQL instances, and the replay of one segment.
		 */
		PROCESSORS

	}

	Settings(boolean quick, Path dir, long warmupMillis, long measureMillis, int journalEvents, boolean postgres) {
		this(quick, dir, warmupMillis, measureMillis, journalEvents, postgres, Mode.ALL);
	}

	boolean segmentsOnly() {
		return this.mode == Mode.SEGMENTS;
	}

	boolean bodiesOnly() {
		return this.mode == Mode.BODIES;
	}

	boolean boundariesOnly() {
		return this.mode == Mode.BOUNDARIES;
	}

	boolean kafkaOnly() {
		return this.mode == Mode.KAFKA;
	}

	boolean postgresOnly() {
		return this.mode == Mode.POSTGRES;
	}

	boolean batchesOnly() {
		return this.mode == Mode.BATCHES;
	}

	boolean peersOnly() {
		return this.mode == Mode.PEERS;
	}

	boolean personalOnly() {
		return this.mode == Mode.PERSONAL;
	}

	boolean processorsOnly() {
		return this.mode == Mode.PROCESSORS;
	}

	static Settings parse(String[] args) {
		boolean quick = false;
		boolean smoke = false;
		boolean postgres = true;
		Mode mode = Mode.ALL;
		Path dir = Path.of("target", "bench");
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--full" -> quick = false;
				case "--smoke" -> smoke = true;
				case "--no-postgres" -> postgres = false;
				case "--segments" -> mode = Mode.SEGMENTS;
				case "--bodies" -> mode = Mode.BODIES;
				case "--boundaries" -> mode = Mode.BOUNDARIES;
				case "--kafka" -> mode = Mode.KAFKA;
				case "--postgres" -> mode = Mode.POSTGRES;
				case "--batches" -> mode = Mode.BATCHES;
				case "--peers" -> mode = Mode.PEERS;
				case "--personal" -> mode = Mode.PERSONAL;
				case "--processors" -> mode = Mode.PROCESSORS;
				case "--dir" -> dir = Path.of(args[++i]);
				default -> throw new IllegalArgumentException("Unknown argument " + args[i]
						+ "; use --quick, --full, --smoke, --segments, --bodies, --boundaries, --kafka, --postgres, "
						+ "--batches, --peers, --personal, --processors, --no-postgres, --dir <directory>");
			}
		}
		return switch (mode) {
			case SEGMENTS, BODIES, PEERS -> new Settings(false, dir, 1_000, 3_000, 1_000_000, false, mode);
			case BOUNDARIES -> new Settings(false, dir, 1_000, 3_000, 1_000_000, postgres, mode);
			case PERSONAL, BATCHES, KAFKA -> new Settings(false, dir, 1_000, 3_000, 100_000, false, mode);
			case POSTGRES -> new Settings(false, dir, 1_000, 3_000, 100_000, true, mode);
			case PROCESSORS -> new Settings(false, dir, 1_000, 3_000, 1_000_000, postgres, mode);
			case ALL -> smoke ? new Settings(true, dir, 20, 60, 20_000, postgres)
					: quick ? new Settings(true, dir, 150, 400, 200_000, postgres)
							: new Settings(false, dir, 1_000, 3_000, 1_000_000, postgres);
		};
	}

}
