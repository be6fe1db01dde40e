package dev.eventstore.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;

import dev.eventstore.journal.file.JournalFiles;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
				"With --accept-missing-segments, accepts that a segmented journal's last segments are lost.",
				"Find the line with 'verify'." })
final class RepairCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>", description = "the journal file, or a segmented journal's directory")
	Path journal;

	@ArgGroup(exclusive = true, multiplicity = "1")
	Action action;

	/** What to repair: one of the options. */
	static final class Action {

		@Option(names = "--cut-at", paramLabel = "<offset|@position>",
				description = "the byte offset of the first line to remove, or @<position> for the line of a position")
		@Nullable String cutAt;

		@Option(names = "--accept-missing-segments",
				description = "a segmented journal whose last segments were deleted or lost, which the store refuses "
						+ "to open: accept that their events are gone, so that it opens with the segments there "
						+ "(their positions will be given to new events)")
		boolean acceptMissingSegments;

	}

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		PrintWriter out = this.spec.commandLine().getOut();
		if (this.action.acceptMissingSegments) {
			String missing = JournalFiles.acceptMissingSegments(this.journal);
			out.println(missing + ". Accepted: the journal now opens with the segments there; the summary and id "
					+ "filter that recorded the others are kept beside it.");
			return 0;
		}
		String cutAt = Objects.requireNonNull(this.action.cutAt);
		long offset;
		try {
			offset = cutAt.startsWith("@") ? JournalFiles.offsetOf(this.journal, Long.parseLong(cutAt.substring(1)))
					: Long.parseLong(cutAt);
		}
		catch (NumberFormatException ex) {
			throw new ParameterException(this.spec.commandLine(),
					"--cut-at takes a byte offset or @<position>, not '" + cutAt + "'");
		}
		if (offset < 0) {
			throw new ParameterException(this.spec.commandLine(), "--cut-at must be 0 or more, was " + offset);
		}
		Path saved = JournalFiles.cutAt(this.journal, offset);
		out.println("Cut " + this.journal + " at byte " + offset + "; the removed bytes are in " + saved);
		return 0;
	}

}
