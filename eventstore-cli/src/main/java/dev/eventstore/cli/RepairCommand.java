package dev.eventstore.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.eventstore.journal.file.JournalFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Cuts a journal file at a line an operator chooses, keeping a backup of what it removes.
 */
@Command(name = "repair", mixinStandardHelpOptions = true,
		description = {
				"Cuts a damaged journal file at a line you choose, the cut the store refuses to make on "
						+ "its own: everything from that line on is removed, after being saved to "
						+ "<journal>.cut-<offset>-<time>. Refuses while a store holds the journal.",
				"In a segmented journal it cuts the last segment (offsets count from its start).",
				"Find the line with 'verify'." })
final class RepairCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>", description = "the journal file, or a segmented journal's directory")
	Path journal;

	@Option(names = "--cut-at", required = true, paramLabel = "<offset|@position>",
			description = "the byte offset of the first line to remove, or @<position> for the line of a position")
	String cutAt;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		long offset;
		try {
			offset = this.cutAt.startsWith("@")
					? JournalFiles.offsetOf(this.journal, Long.parseLong(this.cutAt.substring(1)))
					: Long.parseLong(this.cutAt);
		}
		catch (NumberFormatException ex) {
			throw new picocli.CommandLine.ParameterException(this.spec.commandLine(),
					"--cut-at takes a byte offset or @<position>, not '" + this.cutAt + "'");
		}
		Path saved = JournalFiles.cutAt(this.journal, offset);
		PrintWriter out = this.spec.commandLine().getOut();
		out.println("Cut " + this.journal + " at byte " + offset + "; the removed bytes are in " + saved);
		return 0;
	}

}
