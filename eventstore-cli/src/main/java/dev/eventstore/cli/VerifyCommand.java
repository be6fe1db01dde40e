package dev.eventstore.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.eventstore.journal.file.JournalFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks every line of a journal, read-only. */
@Command(name = "verify", mixinStandardHelpOptions = true,
		description = {
				"Checks every line of a journal file, or of every segment of a segmented journal: CRC-32C, JSON, "
						+ "gapless positions, contiguous versions per stream, complete batches, no torn tail. "
						+ "Reads only: takes no lock, changes nothing.",
				"Exit 0 when sound, 1 with each problem's line and byte offset." })
final class VerifyCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>", description = "the journal file, or a segmented journal's directory")
	Path journal;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws Exception {
		PrintWriter out = this.spec.commandLine().getOut();
		if (!Files.isRegularFile(this.journal) && !Files.isDirectory(this.journal)) {
			throw new IllegalArgumentException("No journal file " + this.journal);
		}
		boolean segmented = Files.isDirectory(this.journal);
		long size = segmented ? directorySize(this.journal) : Files.size(this.journal);
		// A progress bar only on a terminal: piped output stays clean.
		boolean terminal = System.console() != null;
		long[] shown = { 0 };
		JournalFiles.Summary summary = JournalFiles.verify(this.journal,
				(problem) -> out.println((segmented ? problem.file().getFileName() + ", " : "") + "line "
						+ problem.line() + ", byte " + problem.offset() + ": " + problem.message()),
				(read) -> {
					if (terminal && read - shown[0] > (1 << 24)) {
						shown[0] = read;
						System.err.print("\rverifying " + (100 * read / Math.max(1, size)) + " %");
					}
				});
		if (terminal && shown[0] > 0) {
			System.err.print("\r");
		}
		out.printf("%s: %d events in %d streams, positions %d to %d, %d bytes: %s%n", this.journal, summary.events(),
				summary.streams(), summary.firstPosition(), summary.lastPosition(), summary.bytes(),
				(summary.problems() == 0) ? "OK" : summary.problems() + " problems");
		return (summary.problems() == 0) ? 0 : 1;
	}

	private static long directorySize(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".ndjson")).mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					return 0;
				}
			}).sum();
		}
	}

}
