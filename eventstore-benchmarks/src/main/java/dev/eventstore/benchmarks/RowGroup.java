package dev.eventstore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A group of the runner's rows, and what every group shares: the settings, the table the
 * rows go to, and the files rows wrote (deleted before the next rows run).
 */
abstract class RowGroup {

	final Settings settings;

	private final Table table;

	/** The files rows wrote and no later row reads. */
	private final List<Path> files;

	RowGroup(Settings settings) {
		this.settings = settings;
		this.table = new Table();
		this.files = new ArrayList<>();
	}

	/** A group sharing another's settings, table and files. */
	RowGroup(RowGroup run) {
		this.settings = run.settings;
		this.table = run.table;
		this.files = run.files;
	}

	Table table() {
		return this.table;
	}

	Path file(String name) {
		Path file = this.settings.dir().resolve(name + ".ndjson");
		this.files.add(file);
		return file;
	}

	/**
	 * Deletes the files earlier rows wrote, so that the kernel's writeback of their dirty
	 * pages (gigabytes, from the raw baselines) does not slow the next row down: a
	 * deleted file's pages are dropped, not written. Then collects the heap, so that the
	 * next row does not pay for the garbage of the rows before it: right after the
	 * in-memory row (millions of events, garbage once its store is closed), the next pair
	 * of rows measured 216 k and 119 k appends/s where the same pair measured 283 k and
	 * 196 k a minute later.
	 */
	void discardFiles() throws IOException {
		for (Path file : this.files) {
			Files.deleteIfExists(file);
			Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
		}
		this.files.clear();
		System.gc();
	}

	static void deleteTree(Path directory) throws IOException {
		if (Files.exists(directory)) {
			try (var paths = Files.walk(directory)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
		Files.deleteIfExists(directory.resolveSibling(directory.getFileName() + ".lock"));
	}

	/**
	 * Runs two scenarios twice each, in the order first, second, second, first, each
	 * after the files of earlier runs were deleted.
	 * @return the mean of each scenario's two runs
	 */
	Measurement.Result[] alternating(Scenario first, Scenario second) throws Exception {
		discardFiles();
		Measurement.Result first1 = first.run();
		discardFiles();
		Measurement.Result second1 = second.run();
		discardFiles();
		Measurement.Result second2 = second.run();
		discardFiles();
		Measurement.Result first2 = first.run();
		discardFiles();
		return new Measurement.Result[] { Measurement.Result.mean(first1, first2),
				Measurement.Result.mean(second1, second2) };
	}

	/** One measured run. */
	@FunctionalInterface
	interface Scenario {

		Measurement.Result run() throws Exception;

	}

	void row(String name, int threads, Measurement.Result result, String unit, String baseline, double baselineValue,
			String target) {
		this.table.row(name, threads, result, unit, baseline, baselineValue, target);
	}

	void note(String note) {
		this.table.note(note);
	}

}
