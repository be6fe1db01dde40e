package dev.eventstore.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.FileJournal;
import dev.eventstore.postgres.PostgresJournal;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Copies a journal between a file and PostgreSQL, keeping everything an event is. */
@Command(name = "copy", mixinStandardHelpOptions = true,
		description = {
				"Copies a journal between a file and PostgreSQL (a JDBC URL), either way, keeping positions, "
						+ "versions, timestamps, metadata, ids and revisions.",
				"Refuses a target that holds other events. Resumable: a target that holds the start of this very "
						+ "copy (the same ids at the same positions) is continued where it stopped." })
final class CopyCommand implements Callable<Integer> {

	@Parameters(index = "0", paramLabel = "<from>", description = "a journal file, or jdbc:postgresql://…")
	String from;

	@Parameters(index = "1", paramLabel = "<to>", description = "a journal file, or jdbc:postgresql://…")
	String to;

	@Mixin
	PostgresTables tables = new PostgresTables();

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		if (Sources.isJdbc(this.from) == Sources.isJdbc(this.to)) {
			throw new picocli.CommandLine.ParameterException(this.spec.commandLine(),
					"copy goes from a file to PostgreSQL or back; give one of each");
		}
		if (!Sources.isJdbc(this.from) && !Files.isRegularFile(Sources.file(this.from))) {
			throw new IllegalArgumentException("No journal file " + this.from);
		}
		try (EventStore source = open(this.from); Journal target = openJournal(this.to)) {
			long start = resumeFrom(source, target);
			long copied = 0;
			for (long next = start;;) {
				List<StoredEvent> page = source.readAll(next, 1_000);
				if (page.isEmpty()) {
					break;
				}
				for (StoredEvent event : page) {
					NewEvent copy = NewEvent.of(event.type(), event.data(), event.metadata())
						.withId(event.id())
						.withRevision(event.revision());
					target.append(event.streamId(), List.of(copy), ExpectedVersion.exactly(event.version() - 1),
							event.timestamp());
					copied++;
				}
				next = page.get(page.size() - 1).position() + 1;
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.println("Copied " + copied + " events from " + describe(this.from) + " to " + describe(this.to)
					+ ((start > 1) ? " (resumed after position " + (start - 1) + ")" : "") + "; it now holds "
					+ target.lastPosition());
		}
		return 0;
	}

	/**
	 * The first position to copy: 1 for an empty target, after its end for a resumed one.
	 */
	private static long resumeFrom(EventStore source, Journal target) {
		long last = target.lastPosition();
		if (last == 0) {
			return 1;
		}
		List<StoredEvent> theirs = target.readAll(last, 1);
		List<StoredEvent> ours = source.readAll(last, 1);
		if (ours.isEmpty() || theirs.isEmpty() || !ours.get(0).id().equals(theirs.get(0).id())) {
			throw new IllegalStateException("The target holds " + last + " events that are not the start of this "
					+ "copy; copy into an empty journal");
		}
		return last + 1;
	}

	private EventStore open(String location) {
		return Sources.isJdbc(location) ? Sources.postgres(location, this.tables.prefix)
				: EventStore.builder().journal(openJournal(location)).build();
	}

	private Journal openJournal(String location) {
		if (Sources.isJdbc(location)) {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setURL(location);
			return PostgresJournal.builder(dataSource).tablePrefix(this.tables.prefix).initializeSchema(true).build();
		}
		return FileJournal.open(Sources.file(location), dev.eventstore.FsyncPolicy.INTERVAL,
				dev.eventstore.FsyncPolicy.DEFAULT_INTERVAL);
	}

	private static String describe(String location) {
		// A JDBC URL may hold a password.
		return Sources.isJdbc(location) ? "PostgreSQL" : location;
	}

}
