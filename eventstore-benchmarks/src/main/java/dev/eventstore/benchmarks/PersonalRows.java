package dev.eventstore.benchmarks;

import java.nio.file.Path;
import java.util.Locale;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;

/**
 * Personal data (#29): the same event with and without two personal fields, appended
 * ({@code NEVER} 1 thread, {@code ALWAYS} 16 threads; and under {@code ALWAYS} the first
 * events of new subjects, whose keys are made) and read (a 100-event stream decoded into
 * its class: of streams that the decoded-events cache holds a tenth of, most of, and all
 * of), in turns; then erasures among 100,000 subjects in a file key store, the journal
 * fsyncing ALWAYS; and the open of that store after a clean close.
 */
final class PersonalRows extends RowGroup {

	PersonalRows(RowGroup run) {
		super(run);
	}

	void run() throws Exception {
		Settings s = this.settings;
		Path dir = s.dir();
		for (Object[] run : new Object[][] { { FsyncPolicy.NEVER, 1 }, { FsyncPolicy.ALWAYS, 16 } }) {
			FsyncPolicy fsync = (FsyncPolicy) run[0];
			int threads = (Integer) run[1];
			Measurement.Result[] results = alternating(() -> {
				try (EventStore store = PersonalScenarios.store(dir, "plain", fsync, false)) {
					return PersonalScenarios.append(store, threads, false, s);
				}
			}, () -> {
				try (EventStore store = PersonalScenarios.store(dir, "personal", fsync, true)) {
					return PersonalScenarios.append(store, threads, true, s);
				}
			});
			row("store: append, no personal fields, fsync " + fsync + " (mean of 2)", threads, results[0], "appends/s",
					null, Double.NaN, "");
			row("store: append, two @PersonalData fields, fsync " + fsync + " (mean of 2)", threads, results[1],
					"appends/s", "the same event without them", results[0].opsPerSecond(), ">= 0.85");
			if (fsync == FsyncPolicy.ALWAYS) {
				// The first event of each subject: its key made and forced before the
				// append; against the events of subjects with keys, just measured.
				Measurement.Result first;
				try (EventStore store = PersonalScenarios.store(dir, "personal-new", fsync, true)) {
					first = PersonalScenarios.appendNewSubjects(store, threads, s);
				}
				row("store: append, two @PersonalData fields of a new subject (its key made), fsync " + fsync, threads,
						first, "appends/s", "the same for subjects with keys", results[1].opsPerSecond(), "");
			}
		}
		for (int streams : new int[] { 1_000, 100, 50 }) {
			Measurement.Result[] reads = alternating(() -> {
				try (EventStore store = PersonalScenarios.store(dir, "plain-read", FsyncPolicy.NEVER, false)) {
					return PersonalScenarios.read(store, false, streams, s);
				}
			}, () -> {
				try (EventStore store = PersonalScenarios.store(dir, "personal-read", FsyncPolicy.NEVER, true)) {
					return PersonalScenarios.read(store, true, streams, s);
				}
			});
			String of = switch (streams) {
				case 1_000 -> "of 1,000 streams (most events decoded again)";
				case 100 -> "of 100 streams";
				default -> "of 50 streams (all in the decoded-events cache)";
			};
			row("store: readStream of 100 + payload(Class), no personal fields, " + of + " (mean of 2)", 1, reads[0],
					"reads/s", null, Double.NaN, "");
			row("store: readStream of 100 + payload(Class), two @PersonalData fields, " + of + " (mean of 2)", 1,
					reads[1], "reads/s", "the same events without them", reads[0].opsPerSecond(),
					(streams > 50) ? ">= 0.8" : "");
		}
		int subjects = s.quick() ? 5_000 : 100_000;
		Measurement.Result erasures = PersonalScenarios.erasures(dir, subjects, s.quick() ? 100 : 1_000);
		row(String.format(Locale.ROOT, "store: erasePersonalData, %,d subjects in a file key store, ALWAYS", subjects),
				1, erasures, "erasures/s", null, Double.NaN, String.format(Locale.ROOT, "p99 %.1f ms <= 10 ms: %s",
						erasures.p99Micros() / 1000, (erasures.p99Micros() <= 10_000) ? "MET" : "MISSED"));
		// The median of seven of each, in turns: one open is a few milliseconds.
		double[] opens = PersonalScenarios.opens(dir, 7);
		row("store: open + one durable append after a clean close, no personal data (median of 7)", 1,
				Measurement.Result.of(opens[0]), "ms", null, Double.NaN, "");
		row(String.format(Locale.ROOT,
				"store: open + one durable append after a clean close, %,d subjects' keys in a file key store (median of 7)",
				subjects), 1, Measurement.Result.of(opens[1]), "ms", "the same without personal data", opens[0], "");
		deleteTree(dir.resolve("personal.keys"));
		deleteTree(dir.resolve("personal-new.keys"));
		deleteTree(dir.resolve("personal-read.keys"));
		deleteTree(dir.resolve("erasures.keys"));
	}

}
