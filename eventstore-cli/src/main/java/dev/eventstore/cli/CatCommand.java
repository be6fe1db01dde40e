package dev.eventstore.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.JournalFiles;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a journal's events. */
@Command(name = "cat", mixinStandardHelpOptions = true,
		description = "Prints the events of a journal (a file, or a PostgreSQL JDBC URL), filtered.")
final class CatCommand implements Callable<Integer> {

	/** Events held at a time: the command's memory does not grow with the journal. */
	static final int PAGE = 1_000;

	@Parameters(paramLabel = "<journal>",
			description = "a journal file or segmented journal's directory, or jdbc:postgresql://…")
	String journal;

	@Option(names = "--stream", description = "only this stream")
	@Nullable String stream;

	@Option(names = "--type", description = "only events of this type")
	@Nullable String type;

	@Option(names = "--from", description = "the first position (default: 1)", defaultValue = "1")
	long from;

	@Option(names = "--limit", description = "at most this many events")
	@Nullable Long limit;

	@Option(names = "--json", description = "one JSON object a line, for jq")
	boolean json;

	@Mixin
	PostgresTables tables = new PostgresTables();

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		if (this.from < 1) {
			throw new ParameterException(this.spec.commandLine(), "--from must be at least 1, was " + this.from);
		}
		if (this.limit != null && this.limit < 0) {
			throw new ParameterException(this.spec.commandLine(), "--limit must be 0 or more, was " + this.limit);
		}
		PrintWriter out = this.spec.commandLine().getOut();
		long[] printed = { 0 };
		long max = (this.limit != null) ? this.limit : Long.MAX_VALUE;
		if (Sources.isJdbc(this.journal)) {
			try (EventStore store = Sources.postgres(this.journal, this.tables.prefix)) {
				long next = this.from;
				while (printed[0] < max) {
					List<StoredEvent> page = store.readAll(next, PAGE);
					if (page.isEmpty()) {
						break;
					}
					for (StoredEvent event : page) {
						print(out, event, printed, max);
					}
					next = page.get(page.size() - 1).position() + 1;
				}
			}
		}
		else {
			try (JournalFiles.Reader reader = new JournalFiles.Reader(Sources.file(this.journal))) {
				while (printed[0] < max) {
					List<StoredEvent> page = reader.poll(PAGE);
					if (page.isEmpty()) {
						break;
					}
					for (StoredEvent event : page) {
						if (event.position() >= this.from) {
							print(out, event, printed, max);
						}
					}
				}
			}
		}
		out.flush();
		return 0;
	}

	private void print(PrintWriter out, StoredEvent event, long[] printed, long max) {
		if (printed[0] < max && (this.stream == null || this.stream.equals(event.streamId()))
				&& (this.type == null || this.type.equals(event.type()))) {
			Events.print(out, event, this.json);
			printed[0]++;
		}
	}

}
