package dev.eventstore.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runner's output: a row per measurement (printed as it is measured, and again as one
 * table at the end), each beside its baseline with the ratio, the target and whether it
 * was met; and notes on the conditions some rows were measured in.
 */
final class Table {

	private final List<String> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	void row(String name, int threads, Measurement.Result result, String unit, String baseline, double baselineValue,
			String target) {
		String ratio = "";
		if (!Double.isNaN(baselineValue) && baselineValue > 0) {
			double r = result.opsPerSecond() / baselineValue;
			ratio = String.format(Locale.ROOT, "%.2f", r);
			if (target.startsWith(">= ")) {
				double want = Double.parseDouble(target.substring(3).split(" ")[0]);
				target = target + ((r >= want) ? "  MET" : "  MISSED");
			}
			else if (target.startsWith("<= ")) {
				double want = Double.parseDouble(target.substring(3).split(" ")[0]);
				target = target + ((r <= want) ? "  MET" : "  MISSED");
			}
		}
		String line = String.format(Locale.ROOT, "| %-52s | %3d | %13s | %-11s | %8s | %8s | %-31s | %5s | %-30s |",
				name, threads, unit.isEmpty() ? "" : format(result.opsPerSecond()), unit, micros(result.p50Micros()),
				micros(result.p99Micros()), (baseline != null) ? baseline : "", ratio, target);
		this.rows.add(line);
		System.out.println(line);
	}

	void note(String note) {
		this.notes.add(note);
	}

	void print() {
		System.out.println();
		System.out
			.println(String.format(Locale.ROOT, "| %-52s | %3s | %13s | %-11s | %8s | %8s | %-31s | %5s | %-30s |",
					"measurement", "thr", "result", "unit", "p50 us", "p99 us", "baseline", "ratio", "target"));
		System.out.println("|" + "-".repeat(54) + "|-----|" + "-".repeat(15) + "|" + "-".repeat(13) + "|"
				+ "-".repeat(10) + "|" + "-".repeat(10) + "|" + "-".repeat(33) + "|-------|" + "-".repeat(32) + "|");
		this.rows.forEach(System.out::println);
		System.out.println();
		this.notes.forEach(System.out::println);
	}

	private static String format(double value) {
		if (Double.isNaN(value)) {
			return "";
		}
		return (value >= 100) ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
	}

	private static String micros(double value) {
		return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.0f", value);
	}

}
