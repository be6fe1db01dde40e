package dev.eventstore.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;

import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.JournalFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints the last events of a journal file and, with -f, each new one as it is appended.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
		description = "Prints the last events of a journal file and, with -f, follows new ones as a running "
				+ "application appends them (read-only, no lock).")
final class TailCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>", description = "the journal file, or a segmented journal's directory")
	String journal;

	@Option(names = { "-n", "--lines" }, description = "how many of the last events (default: ${DEFAULT-VALUE})",
			defaultValue = "10")
	int count;

	@Option(names = { "-f", "--follow" }, description = "keep printing events as they are appended")
	boolean follow;

	@Option(names = "--json", description = "one JSON object a line, for jq")
	boolean json;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws InterruptedException {
		if (this.count < 0) {
			throw new ParameterException(this.spec.commandLine(), "-n/--lines must be 0 or more, was " + this.count);
		}
		PrintWriter out = this.spec.commandLine().getOut();
		try (JournalFiles.Reader reader = new JournalFiles.Reader(Sources.file(this.journal))) {
			// Only the last events are held, however long the journal.
			Deque<StoredEvent> last = new ArrayDeque<>(Math.min(this.count, CatCommand.PAGE) + 1);
			for (List<StoredEvent> page = reader.poll(CatCommand.PAGE); !page.isEmpty(); page = reader
				.poll(CatCommand.PAGE)) {
				for (StoredEvent event : page) {
					last.addLast(event);
					if (last.size() > this.count) {
						last.removeFirst();
					}
				}
			}
			for (StoredEvent event : last) {
				Events.print(out, event, this.json);
			}
			out.flush();
			while (this.follow) {
				List<StoredEvent> next = reader.poll(CatCommand.PAGE);
				if (next.isEmpty()) {
					Thread.sleep(100);
					continue;
				}
				for (StoredEvent event : next) {
					Events.print(out, event, this.json);
				}
				out.flush();
			}
		}
		return 0;
	}

}
