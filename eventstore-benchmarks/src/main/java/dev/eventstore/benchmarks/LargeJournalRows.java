package dev.eventstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.journal.file.JournalFiles;

/**
 * Opening, verifying, holding and reading a large journal, and replaying it; then the
 * rows of one event body (#26): a replay that decodes every event's data against a plain
 * readLine + Jackson parse of the same file, and a typed append against the same append
 * on the store of an earlier core jar ({@code -Dbenchmarks.baselineCore}), in turns.
 */
final class LargeJournalRows extends RowGroup {

	LargeJournalRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
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

}
