package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * The segmented journal against history size and against a single file: cold opens of a
 * small and a large journal, heap, stream reads, paging, appends.
 */
final class SegmentRows extends RowGroup {

	SegmentRows(RowGroup run) {
		super(run);
	}

	void run(SegmentScenarios.Sizes sizes) throws Exception {
		Settings s = this.settings;
		// Only the opt-in run drops the page cache: the smoke test in CI must not slow
		// the machine down for everything else on it.
		boolean cold = s.segmentsOnly() && SegmentScenarios.dropPageCache();
		SegmentScenarios.dropCaches = cold;
		note("Segment rows: segments of " + (sizes.segmentSize() >> 10) + " KiB; opens "
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
		note(String.format(Locale.ROOT,
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

}
