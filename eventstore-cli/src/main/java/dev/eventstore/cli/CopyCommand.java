package dev.eventstore.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.file.FileJournal;
import dev.eventstore.personal.FileSubjectKeyStore;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.postgres.PostgresCheckpointStore;
import dev.eventstore.postgres.PostgresJournal;
import dev.eventstore.postgres.PostgresSubjectKeyStore;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Copies a journal between a file and PostgreSQL, keeping everything an event is. */
@Command(name = "copy", mixinStandardHelpOptions = true, description = {
		"Copies a journal between a file and PostgreSQL (a JDBC URL), either way, keeping positions, "
				+ "versions, timestamps, metadata, ids and revisions.",
		"Refuses a target that holds other events. Batches stay whole; on PostgreSQL each page of 1,000 events is one transaction; "
				+ "the durable processors' checkpoints beside a journal file come along, and the personal-data keys. "
				+ "Resumable: a target that holds the start of this very "
				+ "copy (the same ids at the same positions) is continued where it stopped." })
final class CopyCommand implements Callable<Integer> {

	/** Events read and written at a time (more when a batch straddles the end). */
	private static final int PAGE = 1_000;

	@Parameters(index = "0", paramLabel = "<from>",
			description = "a journal file or segmented journal's directory, or jdbc:postgresql://…")
	String from;

	@Parameters(index = "1", paramLabel = "<to>",
			description = "a journal file or segmented journal's directory, or jdbc:postgresql://…")
	String to;

	@Option(names = "--segment-size", paramLabel = "<size>", converter = Sizes.class,
			description = "write the file journal as a segmented one, segments of this size (e.g. 64MB)")
	long segmentSize;

	@Option(names = "--keys", paramLabel = "<dir>",
			description = "the file journal's personal-data key directory (default: beside it, <journal>.keys)")
	@Nullable Path keys;

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
		if (this.segmentSize != 0 && Sources.isJdbc(this.to)) {
			throw new picocli.CommandLine.ParameterException(this.spec.commandLine(),
					"--segment-size shapes a file target; the target here is PostgreSQL (a copy never changes "
							+ "its source)");
		}
		if (this.segmentSize < 0 || this.segmentSize > FileJournal.MAX_SEGMENT_SIZE) {
			throw new picocli.CommandLine.ParameterException(this.spec.commandLine(),
					"--segment-size must be 1 byte to 1GB, was " + this.segmentSize);
		}
		if (!Sources.isJdbc(this.from) && !Files.isRegularFile(Sources.file(this.from))
				&& !Files.isDirectory(Sources.file(this.from))) {
			throw new IllegalArgumentException("No journal file " + this.from);
		}
		// The target first: a copy that cannot write stops before it opens its source.
		try (Journal target = openJournal(this.to, this.segmentSize); EventStore source = open(this.from)) {
			long start = resumeFrom(source, target);
			// The keys before the events: a copy whose events arrived without their keys
			// would read every personal value as erased.
			String keysCopied = copyKeys();
			long copied = 0;
			for (long next = start;;) {
				List<StoredEvent> page = pageOfWholeBatches(source, next, PAGE);
				if (page.isEmpty()) {
					break;
				}
				if (target instanceof PostgresJournal postgres) {
					// A page per transaction and round trip: an append per event made a
					// 1,000,000-event copy take over 10 minutes.
					postgres.importEvents(page);
				}
				else {
					for (List<StoredEvent> batch : batches(page)) {
						StoredEvent first = batch.get(0);
						List<NewEvent> copies = new ArrayList<>(batch.size());
						for (StoredEvent event : batch) {
							copies.add(NewEvent.ofJson(event.type(), event.dataJson(), event.metadata())
								.withTags(event.tags().toArray(new String[0]))
								.withId(event.id())
								.withRevision(event.revision()));
						}
						target.append(first.streamId(), copies, ExpectedVersion.exactly(first.version() - 1),
								first.timestamp());
					}
				}
				copied += page.size();
				next = page.get(page.size() - 1).position() + 1;
			}
			PrintWriter out = this.spec.commandLine().getOut();
			out.println("Copied " + copied + " events from " + describe(this.from) + " to " + describe(this.to)
					+ ((start > 1) ? " (resumed after position " + (start - 1) + ")" : "") + "; it now holds "
					+ target.lastPosition());
			if (keysCopied != null) {
				out.println(keysCopied);
			}
			if (!Sources.isJdbc(this.from)) {
				copyCheckpoints(Sources.file(this.from), out);
			}
		}
		return 0;
	}

	/**
	 * About {@code size} events from a position on, never ending inside a batch: a batch
	 * is written whole to the target, so that an interrupted copy leaves no half of one.
	 * The events of one append share their stream and timestamp and follow on in position
	 * and version; consecutive single appends that happen to look alike are merely
	 * written together.
	 */
	static List<StoredEvent> pageOfWholeBatches(EventStore source, long from, int size) {
		List<StoredEvent> page = source.readAll(from, size);
		if (page.size() < size) {
			return page;
		}
		List<StoredEvent> whole = new ArrayList<>(page);
		for (;;) {
			StoredEvent last = whole.get(whole.size() - 1);
			List<StoredEvent> more = source.readAll(last.position() + 1, 100);
			int continuing = 0;
			while (continuing < more.size()
					&& sameBatch(continuing == 0 ? last : more.get(continuing - 1), more.get(continuing))) {
				continuing++;
			}
			whole.addAll(more.subList(0, continuing));
			if (continuing < more.size() || more.isEmpty()) {
				return whole;
			}
		}
	}

	/** The page's events as the batches they were appended in, in order. */
	static List<List<StoredEvent>> batches(List<StoredEvent> page) {
		List<List<StoredEvent>> batches = new ArrayList<>();
		int start = 0;
		for (int i = 1; i <= page.size(); i++) {
			if (i == page.size() || !sameBatch(page.get(i - 1), page.get(i))) {
				batches.add(page.subList(start, i));
				start = i;
			}
		}
		return batches;
	}

	private static boolean sameBatch(StoredEvent previous, StoredEvent next) {
		return next.streamId().equals(previous.streamId()) && next.timestamp().equals(previous.timestamp())
				&& next.position() == previous.position() + 1 && next.version() == previous.version() + 1;
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

	/**
	 * Copies the checkpoints of the journal file's durable processors to PostgreSQL's
	 * table, so that a processor goes on where it stopped instead of from its start point
	 * (a reaction would act again on every event).
	 */
	private void copyCheckpoints(Path journal, PrintWriter out) {
		String prefix = journal.getFileName() + ".";
		String suffix = ".checkpoint";
		List<String> processors;
		try (Stream<Path> files = Files.list(journal.toAbsolutePath().getParent())) {
			processors = files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.startsWith(prefix) && name.endsWith(suffix)
						&& name.length() > prefix.length() + suffix.length())
				.map((name) -> name.substring(prefix.length(), name.length() - suffix.length()))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list the checkpoint files next to " + journal, ex);
		}
		CheckpointStore from = CheckpointStore.besideJournal(journal);
		CheckpointStore to = PostgresCheckpointStore.of(Sources.dataSource(this.to), this.tables.prefix);
		for (String processor : processors) {
			Checkpoint checkpoint = from.load(processor).orElseThrow();
			Optional<Checkpoint> theirs = to.load(processor);
			if (theirs.isEmpty()) {
				to.save(processor, null, checkpoint);
			}
			else if (!theirs.get().equals(checkpoint)) {
				throw new IllegalStateException("PostgreSQL holds checkpoint " + theirs.get() + " of processor '"
						+ processor + "', the journal's is " + checkpoint + "; reset the processor there instead");
			}
			out.println("Processor '" + processor + "': checkpoint at position " + checkpoint.position());
		}
	}

	/**
	 * Copies the personal-data keys of the source's key store, if it has one: the
	 * directory beside a journal file (or {@code --keys}), or PostgreSQL's
	 * {@code subject_keys} table. The target's: the other of the two.
	 */
	private @Nullable String copyKeys() {
		SubjectKeyStore from;
		Supplier<SubjectKeyStore> to;
		if (Sources.isJdbc(this.from)) {
			DataSource source = Sources.dataSource(this.from);
			if (!PostgresTables.exists(source, this.tables.prefix + "subject_keys")) {
				return null;
			}
			from = PostgresSubjectKeyStore.of(source, this.tables.prefix);
			to = () -> new FileSubjectKeyStore(keyDirectory(this.to));
		}
		else {
			Path directory = keyDirectory(this.from);
			if (!Files.isDirectory(directory)) {
				if (this.keys != null) {
					throw new IllegalArgumentException("No key directory " + directory);
				}
				return null;
			}
			from = new FileSubjectKeyStore(directory);
			to = () -> PostgresSubjectKeyStore.of(Sources.dataSource(this.to), this.tables.prefix);
		}
		return SubjectKeyCopy.copy(from, to);
	}

	/**
	 * A journal file's key directory: {@code --keys}, or beside it as the starter has it.
	 */
	private Path keyDirectory(String journal) {
		if (this.keys != null) {
			return this.keys;
		}
		Path file = Sources.file(journal).toAbsolutePath();
		return file.resolveSibling(file.getFileName() + ".keys");
	}

	private EventStore open(String location) {
		// A source file is opened as it is, never converted.
		return Sources.isJdbc(location) ? Sources.postgres(location, this.tables.prefix)
				: EventStore.builder().journal(openJournal(location, 0)).build();
	}

	private Journal openJournal(String location, long segmentSize) {
		if (Sources.isJdbc(location)) {
			return PostgresJournal.builder(Sources.dataSource(location))
				.tablePrefix(this.tables.prefix)
				.initializeSchema(true)
				.build();
		}
		if (segmentSize > 0) {
			return FileJournal.open(Sources.file(location), FsyncPolicy.INTERVAL, FsyncPolicy.DEFAULT_INTERVAL,
					segmentSize);
		}
		return FileJournal.open(Sources.file(location), FsyncPolicy.INTERVAL, FsyncPolicy.DEFAULT_INTERVAL);
	}

	private static String describe(String location) {
		// A JDBC URL may hold a password.
		return Sources.isJdbc(location) ? "PostgreSQL" : location;
	}

}
