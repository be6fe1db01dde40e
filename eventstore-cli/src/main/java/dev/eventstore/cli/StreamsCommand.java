package dev.eventstore.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.JournalFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists a journal's streams with their versions. */
@Command(name = "streams", mixinStandardHelpOptions = true,
		description = "Lists the streams of a journal (a file, or a PostgreSQL JDBC URL) with their versions.")
final class StreamsCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>",
			description = "a journal file or segmented journal's directory, or jdbc:postgresql://…")
	String journal;

	@Option(names = "--prefix", description = "only streams whose id starts with this", defaultValue = "")
	String prefix;

	@Mixin
	PostgresTables tables = new PostgresTables();

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		PrintWriter out = this.spec.commandLine().getOut();
		Map<String, Long> versions = new TreeMap<>();
		if (Sources.isJdbc(this.journal)) {
			try (EventStore store = Sources.postgres(this.journal, this.tables.prefix)) {
				String after = null;
				while (true) {
					var page = store.streamIds(this.prefix, after, 1_000);
					for (String id : page) {
						versions.put(id, store.streamVersion(id));
					}
					if (page.size() < 1_000) {
						break;
					}
					after = page.get(page.size() - 1);
				}
			}
		}
		else {
			try (JournalFiles.Reader reader = new JournalFiles.Reader(Sources.file(this.journal))) {
				// A page at a time: memory holds the streams, not their events.
				for (List<StoredEvent> page = reader.poll(CatCommand.PAGE); !page.isEmpty(); page = reader
					.poll(CatCommand.PAGE)) {
					for (StoredEvent event : page) {
						if (event.streamId().startsWith(this.prefix)) {
							versions.put(event.streamId(), event.version());
						}
					}
				}
			}
		}
		versions.forEach((id, version) -> out.println(id + "\t" + version));
		return 0;
	}

}
