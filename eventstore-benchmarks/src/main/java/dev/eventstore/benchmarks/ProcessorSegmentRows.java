package dev.eventstore.benchmarks;

import java.util.Arrays;
import java.util.Locale;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * Processor segments (#30): a handler taking 2 ms an event, with 1 and 8 segments, in
 * turns (twice each); a processor with a jammed stream beside the same one flowing; and a
 * no-op replay of one segment beside paging with readAll.
 */
final class ProcessorSegmentRows extends RowGroup {

	ProcessorSegmentRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
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
		// A jammed stream: every event of it parked, which must not slow the other
		// streams' events down to one forced write an event (it did: 0.7-1 ms a park);
		// then an operator's retry lets the held events follow.
		int jamEvents = s.quick() ? 20_000 : 200_000;
		double[] flowing = new double[2];
		ProcessorSegmentScenarios.Jam[] jammed = new ProcessorSegmentScenarios.Jam[2];
		for (int round = 0; round < 2; round++) {
			discardFiles();
			flowing[round] = ProcessorSegmentScenarios.jammed(file("flowing"), jamEvents, false).passing();
			discardFiles();
			jammed[round] = ProcessorSegmentScenarios.jammed(file("jammed"), jamEvents, true);
		}
		System.out.printf(Locale.ROOT, "jammed stream: flowing %s, jammed %s events/s%n", Arrays.toString(flowing),
				Arrays.toString(jammed));
		String jamSize = String.format(Locale.ROOT, "%,d events", jamEvents);
		Measurement.Result flowingMean = Measurement.Result.of((flowing[0] + flowing[1]) / 2);
		row("processor: no-op handler, half the events in one stream, " + jamSize + " (mean of 2)", 1, flowingMean,
				"events/s", null, Double.NaN, "");
		row("processor: the same, that stream jammed: all its events parked (mean of 2)", 1,
				Measurement.Result.of((jammed[0].passing() + jammed[1].passing()) / 2), "events/s",
				"the same, nothing jammed", flowingMean.opsPerSecond(), "");
		row("processor: a retry of the jammed stream's first event, its held events following (mean of 2)", 1,
				Measurement.Result.of((jammed[0].releasing() + jammed[1].releasing()) / 2), "events/s",
				"the same, nothing jammed", flowingMean.opsPerSecond(), "");
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

}
