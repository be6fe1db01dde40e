package dev.eventstore.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.FileSubjectKeyStore;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.postgres.PostgresCheckpointStore;
import dev.eventstore.postgres.PostgresJournal;
import dev.eventstore.postgres.PostgresSubjectKeyStore;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The built jar, run as a process: exit codes and output. */
class CliIT {

	private static final Path JAR = Path.of(System.getProperty("eventstore.cli.jar", "target/eventstore-cli.jar"));

	@TempDir
	Path dir;

	/** What a finished process printed and returned. */
	record Run(int exit, String out, String err) {
	}

	private static Process start(String... args) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
		command.addAll(List.of(args));
		return new ProcessBuilder(command).start();
	}

	private static Run run(String... args) throws Exception {
		return run(List.of(), args);
	}

	private static Run run(List<String> jvmOptions, String... args) throws Exception {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", JAR.toString()));
		command.addAll(List.of(args));
		// Output goes to files: a pipe would block a command printing more than it holds.
		Path out = Files.createTempFile("cli-out", ".txt");
		Path err = Files.createTempFile("cli-err", ".txt");
		try {
			Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
				.redirectError(err.toFile())
				.start();
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
		}
		finally {
			Files.delete(out);
			Files.delete(err);
		}
	}

	private Path journal(int events) {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore store = EventStore.open(journal)) {
			for (int i = 0; i < events; i++) {
				store.append("order-" + (i % 3), NewEvent.of("Placed", Map.of("n", i), Map.of("by", "cli-test")));
			}
			store.appendBatch("batch", List.of(NewEvent.of("A", Map.of()), NewEvent.of("B", Map.of())));
		}
		return journal;
	}

	@Test
	void verifyPassesASoundJournalAndNamesEachProblemOfADamagedOne() throws Exception {
		Path journal = journal(5);
		Run sound = run("verify", journal.toString());
		assertThat(sound.exit()).isZero();
		assertThat(sound.out()).contains("7 events in 4 streams, positions 1 to 7").contains(": OK");

		List<String> lines = new ArrayList<>(Files.readAllLines(journal));
		lines.set(2, lines.get(2).replace("\"n\":2", "\"n\":20"));
		Files.write(journal, lines);
		Files.writeString(journal, "{\"event_id\":8,\"stream", java.nio.file.StandardOpenOption.APPEND);
		Run damaged = run("verify", journal.toString());
		assertThat(damaged.exit()).isEqualTo(1);
		assertThat(damaged.out()).contains("line 3, byte ")
			.contains("damaged line")
			.contains("line 8, byte ")
			.contains("a torn write")
			.contains("2 problems");
	}

	@Test
	void verifyReadsAJournalOfTheOriginalPythonStore() throws Exception {
		Path journal = this.dir.resolve("python.ndjson");
		Files.writeString(journal,
				"""
						{"event_id": 1, "stream_id": "order-1", "event_type": "OrderPlaced", "data": {"total": 10}, "metadata": null, "timestamp": "2026-05-29T11:15:00.123456"}
						{"event_id": 2, "stream_id": "order-1", "event_type": "OrderPaid", "data": {}, "metadata": {"by": "x"}, "timestamp": "2026-05-29T11:16:00.000001"}
						""");
		Run run = run("verify", journal.toString());
		assertThat(run.exit()).isZero();
		assertThat(run.out()).contains("2 events in 1 streams");
		assertThat(run("cat", journal.toString()).out()).contains("#2  order-1@2  OrderPaid");
	}

	@Test
	void streamsAndCatPrintForPeopleOrAsJsonLines() throws Exception {
		Path journal = journal(5);
		Run streams = run("streams", journal.toString(), "--prefix", "order-");
		assertThat(streams.exit()).isZero();
		assertThat(streams.out().lines().toList()).containsExactly("order-0\t2", "order-1\t2", "order-2\t1");
		Run cat = run("cat", journal.toString(), "--stream", "order-1", "--json");
		assertThat(cat.out().lines().toList()).hasSize(2)
			.allSatisfy((line) -> assertThat(line).startsWith("{\"position\":").contains("\"by\":\"cli-test\""));
		assertThat(run("cat", journal.toString(), "--type", "B").out()).startsWith("#7  batch@2  B  ");
		assertThat(run("cat", journal.toString(), "--from", "3", "--limit", "1").out().lines()).hasSize(1);
	}

	@Test
	void usageErrorsExitWith2() throws Exception {
		assertThat(run("cat").exit()).isEqualTo(2);
		assertThat(run("verify", "a", "b").exit()).isEqualTo(2);
		assertThat(run("unknown").exit()).isEqualTo(2);
		Run help = run("--help");
		assertThat(help.exit()).isZero();
		assertThat(help.out()).contains("verify", "streams", "cat", "tail", "repair", "copy", "Exit codes:");
		assertThat(run("verify", this.dir.resolve("missing.ndjson").toString()).exit()).isEqualTo(1);
	}

	@Test
	void negativeCountsAreUsageErrorsNamingTheOption() throws Exception {
		Path journal = journal(5);
		Run limit = run("cat", journal.toString(), "--limit", "-1");
		assertThat(limit.exit()).isEqualTo(2);
		assertThat(limit.err()).contains("--limit must be 0 or more, was -1");
		Run lines = run("tail", "-n", "-5", journal.toString());
		assertThat(lines.exit()).isEqualTo(2);
		assertThat(lines.err()).contains("-n/--lines must be 0 or more, was -5");
		Run cut = run("repair", journal.toString(), "--cut-at", "-3");
		assertThat(cut.exit()).isEqualTo(2);
		assertThat(cut.err()).contains("--cut-at must be 0 or more, was -3");
		assertThat(run("verify", journal.toString()).out()).contains("7 events", ": OK");
	}

	@Test
	void catTailAndStreamsReadAJournalLargerThanTheirHeapAPageAtATime() throws Exception {
		Path journal = this.dir.resolve("large.ndjson");
		String pad = "x".repeat(2_000);
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build()) {
			for (int b = 0; b < 250; b++) {
				List<NewEvent> batch = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					batch.add(NewEvent.of("Padded", Map.of("n", b * 100 + i, "pad", pad)));
				}
				store.appendBatch("stream-" + (b % 7), batch);
			}
		}
		assertThat(Files.size(journal)).isGreaterThan(50L << 20);
		List<String> smallHeap = List.of("-Xmx40m");
		Run cat = run(smallHeap, "cat", journal.toString(), "--limit", "3");
		assertThat(cat.exit()).as(cat.err()).isZero();
		assertThat(cat.out().lines()).hasSize(3);
		Run stream = run(smallHeap, "cat", journal.toString(), "--stream", "stream-6", "--from", "24000");
		assertThat(stream.exit()).as(stream.err()).isZero();
		assertThat(stream.out().lines()).hasSize(100).allSatisfy((line) -> assertThat(line).contains("stream-6@"));
		Run tail = run(smallHeap, "tail", "-n", "3", journal.toString());
		assertThat(tail.exit()).as(tail.err()).isZero();
		assertThat(tail.out().lines().toList()).hasSize(3).last().asString().startsWith("#25000  stream-4@");
		Run streams = run(smallHeap, "streams", journal.toString());
		assertThat(streams.exit()).as(streams.err()).isZero();
		assertThat(streams.out().lines()).hasSize(7).contains("stream-0\t3600");
	}

	/** A segmented journal of small segments holding that many events; its segments. */
	private static List<Path> segmentedJournal(Path journal, int events) throws IOException {
		try (EventStore store = EventStore.builder().persistPath(journal).segmentSize(600).build()) {
			for (int i = 0; i < events; i++) {
				store.append("s", NewEvent.of("E", Map.of("n", i, "pad", "x".repeat(60))));
			}
		}
		try (Stream<Path> files = Files.list(journal)) {
			return files.filter((file) -> file.toString().endsWith(".ndjson")).sorted().toList();
		}
	}

	@Test
	void aFileInsideASegmentedJournalIsRefusedByEveryToolNamingTheJournal() throws Exception {
		Path journal = this.dir.resolve("segmented");
		List<Path> segments = segmentedJournal(journal, 30);
		Path last = segments.get(segments.size() - 1);
		byte[] before = Files.readAllBytes(last);
		for (String[] command : List.of(new String[] { "repair", last.toString(), "--cut-at", "0" },
				new String[] { "convert", last.toString() }, new String[] { "verify", last.toString() },
				new String[] { "cat", last.toString() }, new String[] { "tail", last.toString() },
				new String[] { "streams", last.toString() })) {
			Run refused = run(command);
			assertThat(refused.exit()).as(String.join(" ", command)).isEqualTo(1);
			assertThat(refused.err()).contains("inside the segmented journal " + journal);
		}
		assertThat(last).hasBinaryContent(before);
		assertThat(run("verify", journal.toString()).out()).contains("30 events", ": OK");
	}

	@Test
	void repairAcceptsMissingSegmentsOnlyWhenAskedTo() throws Exception {
		Path journal = this.dir.resolve("segmented");
		List<Path> segments = segmentedJournal(journal, 30);
		Path last = segments.get(segments.size() - 1);
		if (Files.size(last) == 0) {
			// Sealed just now: the events lost are those of the segment before.
			Files.delete(last);
			last = segments.get(segments.size() - 2);
			Files.delete(last.resolveSibling(last.getFileName().toString().replace(".ndjson", ".index")));
		}
		Files.delete(last);
		assertThat(run("repair", journal.toString()).exit()).isEqualTo(2);
		assertThat(run("repair", journal.toString(), "--cut-at", "0", "--accept-missing-segments").exit()).isEqualTo(2);
		Run accepted = run("repair", journal.toString(), "--accept-missing-segments");
		assertThat(accepted.exit()).as(accepted.err()).isZero();
		assertThat(accepted.out()).contains("missing committed events",
				segments.get(segments.size() - 1).getFileName().toString(), "Accepted");
		try (EventStore store = EventStore.builder().persistPath(journal).segmentSize(600).build()) {
			long kept = store.lastPosition();
			assertThat(kept).isLessThan(30);
			assertThat(store.append("s", NewEvent.of("E", Map.of())).position()).isEqualTo(kept + 1);
		}
		Run again = run("repair", journal.toString(), "--accept-missing-segments");
		assertThat(again.exit()).isEqualTo(1);
		assertThat(again.err()).contains("nothing to accept");
	}

	/** An event with personal data (#29). */
	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String email) {
	}

	@Test
	void personalDataStaysEncryptedInEveryCommandsOutputAndInACopy() throws Exception {
		Path journal = this.dir.resolve("personal.ndjson");
		try (EventStore store = EventStore.builder()
			.persistPath(journal)
			.personalData(
					PersonalDataProtection.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
							new InMemorySubjectKeyStore()))
			.build()) {
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")));
		}
		Run cat = run("cat", journal.toString());
		Run json = run("cat", journal.toString(), "--json");
		assertThat(cat.exit()).isZero();
		assertThat(json.exit()).isZero();
		assertThat(cat.out() + json.out()).contains("pd1:").doesNotContain("ada@example.org");
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			Run copied = run("copy", journal.toString(), url, "--table-prefix", "pd_");
			assertThat(copied.exit()).as(copied.err()).isZero();
			Run fromPostgres = run("cat", url, "--table-prefix", "pd_", "--json");
			assertThat(fromPostgres.out()).contains("pd1:").doesNotContain("ada@example.org");
			try (var connection = postgres.getPostgresDatabase().getConnection();
					var rows = connection.createStatement().executeQuery("SELECT data::text FROM pd_events")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).contains("pd1:").doesNotContain("ada@example.org");
			}
		}
	}

	private static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	/** A store on a journal file with its keys beside it, as the starter places them. */
	private static EventStore personal(Path journal, byte[] masterKey) {
		return EventStore.builder()
			.persistPath(journal)
			.eventTypes(EventTypes.of(CustomerRegistered.class))
			.personalData(PersonalDataProtection.of(masterKey,
					new FileSubjectKeyStore(journal.resolveSibling(journal.getFileName() + ".keys"))))
			.build();
	}

	private static EventStore personal(DataSource postgres, String prefix) {
		return EventStore.builder()
			.journal(PostgresJournal.builder(postgres).tablePrefix(prefix).build())
			.eventTypes(EventTypes.of(CustomerRegistered.class))
			.personalData(PersonalDataProtection.of(MASTER_KEY, PostgresSubjectKeyStore.of(postgres, prefix)))
			.build();
	}

	private static Object payload(EventStore store, String stream) {
		return store.readStream(stream).get(0).payload();
	}

	@Test
	void copyTakesThePersonalDataKeysAlongEitherWaySoThatTheCopyReadsWhatTheSourceRead() throws Exception {
		Path journal = this.dir.resolve("shop.ndjson");
		try (EventStore store = personal(journal, MASTER_KEY)) {
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")));
			store.append("customer-2", NewEvent.of(new CustomerRegistered("c-2", "bob@example.org")));
			assertThat(store.erasePersonalData("c-2")).isTrue();
		}
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			DataSource database = postgres.getPostgresDatabase();
			Run toPostgres = run("copy", journal.toString(), url, "--table-prefix", "keys_");
			assertThat(toPostgres.exit()).as(toPostgres.err()).isZero();
			assertThat(toPostgres.out()).contains("Copied 3 events")
				.contains("keys_subject_keys holds the keys of the 1 data subjects");
			assertThat(run("copy", journal.toString(), url, "--table-prefix", "keys_").out())
				.as("a copy run again finds the keys there")
				.contains("Copied 0 events")
				.contains("holds the keys of the 1 data subjects");
			try (EventStore store = personal(database, "keys_")) {
				assertThat(payload(store, "customer-1")).as("read with the copied key")
					.isEqualTo(new CustomerRegistered("c-1", "ada@example.org"));
				assertThat(payload(store, "customer-2")).as("erased before the copy, erased after it")
					.isEqualTo(new CustomerRegistered("c-2", null));
				store.append("customer-3", NewEvent.of(new CustomerRegistered("c-3", "carol@example.org")));
			}

			Path back = this.dir.resolve("back.ndjson");
			// A journal without personal data, back and forth: no key directory appears.
			assertThat(run("copy", journal(2).toString(), url, "--table-prefix", "plain_").exit()).isZero();
			Path plainBack = this.dir.resolve("plain-back.ndjson");
			Run plain = run("copy", url, plainBack.toString(), "--table-prefix", "plain_");
			assertThat(plain.exit()).as(plain.err()).isZero();
			assertThat(plain.out()).doesNotContain("Personal data");
			assertThat(this.dir.resolve("plain-back.ndjson.keys")).doesNotExist();
			Run toFile = run("copy", url, back.toString(), "--table-prefix", "keys_");
			assertThat(toFile.exit()).as(toFile.err()).isZero();
			assertThat(toFile.out()).contains("holds the keys of the 2 data subjects");
			try (EventStore store = personal(back, MASTER_KEY)) {
				assertThat(payload(store, "customer-1")).isEqualTo(new CustomerRegistered("c-1", "ada@example.org"));
				assertThat(payload(store, "customer-2")).isEqualTo(new CustomerRegistered("c-2", null));
				assertThat(payload(store, "customer-3")).isEqualTo(new CustomerRegistered("c-3", "carol@example.org"));
			}
			assertThat(Files.readString(back)).doesNotContain("ada@example.org");
		}
	}

	@Test
	void copyRefusesKeysUnderAnotherMasterKeyOrErasuresNotYetAnnouncedNamingWhatToDo() throws Exception {
		Path journal = this.dir.resolve("shop.ndjson");
		try (EventStore store = personal(journal, MASTER_KEY)) {
			store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "ada@example.org")));
		}
		Path otherKeys = this.dir.resolve("other.ndjson.keys");
		try (EventStore other = personal(this.dir.resolve("other.ndjson"),
				"fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII))) {
			other.append("customer-9", NewEvent.of(new CustomerRegistered("c-9", "zed@example.org")));
		}
		// An erasure a crash cut short: the key destroyed, its event not yet appended.
		String reference = PersonalDataProtection.of(MASTER_KEY, new InMemorySubjectKeyStore()).subjectReference("c-1");
		assertThat(new FileSubjectKeyStore(this.dir.resolve("shop.ndjson.keys")).erase(reference)).isTrue();
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			Run pending = run("copy", journal.toString(), url, "--table-prefix", "keys_");
			assertThat(pending.exit()).isEqualTo(1);
			assertThat(pending.err()).contains("1 erasure(s) of personal data")
				.contains("open the store once with its application");
			try (EventStore store = personal(journal, MASTER_KEY)) {
				assertThat(store.readStream(PersonalDataErased.STREAM)).as("announced when the store opened")
					.hasSize(1);
			}
			Run copied = run("copy", journal.toString(), url, "--table-prefix", "keys_");
			assertThat(copied.exit()).as(copied.err()).isZero();

			Run foreign = run("copy", url, this.dir.resolve("back.ndjson").toString(), "--table-prefix", "keys_",
					"--keys", otherKeys.toString());
			assertThat(foreign.exit()).isEqualTo(1);
			assertThat(foreign.err()).contains("under another master key");
			Run missing = run("copy", journal.toString(), url, "--table-prefix", "keys_", "--keys",
					this.dir.resolve("nowhere").toString());
			assertThat(missing.exit()).isEqualTo(1);
			assertThat(missing.err()).contains("No key directory");
		}
	}

	@Test
	void copyNeverChangesItsSourceWhenTheTargetFails() throws Exception {
		Path journal = journal(5);
		byte[] before = Files.readAllBytes(journal);
		String unreachable = "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2";
		Run shaped = run("copy", journal.toString(), unreachable, "--segment-size", "1KB");
		assertThat(shaped.exit()).isEqualTo(2);
		assertThat(shaped.err()).contains("--segment-size shapes a file target");
		Run failed = run("copy", journal.toString(), unreachable);
		assertThat(failed.exit()).isEqualTo(1);
		assertThat(journal).isRegularFile().hasBinaryContent(before);
		try (var files = Files.list(this.dir)) {
			assertThat(files.map((f) -> f.getFileName().toString())).containsOnly("events.ndjson",
					"events.ndjson.lock");
		}
	}

	@Test
	void tailFollowsEventsAsARunningStoreAppendsThem() throws Exception {
		Path journal = this.dir.resolve("live.ndjson");
		try (EventStore store = EventStore.open(journal)) {
			store.append("s", NewEvent.of("Before", Map.of()));
			Process tail = start("tail", "-f", journal.toString());
			try {
				BufferedReader out = new BufferedReader(
						new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8));
				assertThat(out.readLine()).contains("s@1  Before");
				store.append("s", NewEvent.of("Live", Map.of("n", 1)));
				String[] line = new String[1];
				await().atMost(Duration.ofSeconds(20)).until(() -> (line[0] = out.readLine()) != null);
				assertThat(line[0]).contains("#2  s@2  Live").contains("{\"n\":1}");
			}
			finally {
				tail.destroyForcibly();
			}
		}
	}

	@Test
	void repairCutsWhereTheOperatorSaysKeepingABackupButNeverWhileTheJournalIsInUse() throws Exception {
		Path journal = journal(5);
		try (EventStore store = EventStore.open(journal)) {
			Run refused = run("repair", journal.toString(), "--cut-at", "@4");
			assertThat(refused.exit()).isEqualTo(1);
			assertThat(refused.err()).contains("locked by another EventStore");
			assertThat(store.lastPosition()).isEqualTo(7);
		}
		assertThat(run("repair", journal.toString(), "--cut-at", "soon").exit()).isEqualTo(2);
		Run cut = run("repair", journal.toString(), "--cut-at", "@4");
		assertThat(cut.exit()).isZero();
		assertThat(cut.out()).contains("the removed bytes are in");
		try (var files = Files.list(this.dir)) {
			assertThat(files.map((f) -> f.getFileName().toString()))
				.anyMatch((n) -> n.startsWith("events.ndjson.cut-"));
		}
		assertThat(run("verify", journal.toString()).out()).contains("3 events", ": OK");
	}

	@Test
	void copyMovesAJournalToPostgresAndBackKeepingEverything() throws Exception {
		Path journal = journal(20);
		try (EventStore store = EventStore.open(journal)) {
			// Tags are what a consistency boundary queries: a copy without them would let
			// a
			// conditional append pass that must fail.
			store.appendBatch("tagged", List.of(NewEvent.of("Tagged", Map.of()).withTags("customer:7", "order:1"),
					NewEvent.of("Tagged", Map.of()).withTags("customer:7")));
		}
		CheckpointStore.besideJournal(journal).save("receipts", null, new Checkpoint(7, 0));
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			Run toPostgres = run("copy", journal.toString(), url, "--table-prefix", "cli_");
			assertThat(toPostgres.exit()).as(toPostgres.err()).isZero();
			assertThat(toPostgres.out()).contains("Copied 24 events")
				.contains("Processor 'receipts': checkpoint at position 7")
				.doesNotContain("jdbc:");
			CheckpointStore copied = PostgresCheckpointStore.of(postgres.getPostgresDatabase(), "cli_");
			assertThat(copied.load("receipts")).contains(new Checkpoint(7, 0));
			assertThat(run("copy", journal.toString(), url, "--table-prefix", "cli_").out()).contains("Copied 0 events")
				.contains("resumed after position 24");
			assertThat(run("cat", url, "--table-prefix", "cli_", "--json").out())
				.isEqualTo(run("cat", journal.toString(), "--json").out());

			Path back = this.dir.resolve("back.ndjson");
			Run toFile = run("copy", url, back.toString(), "--table-prefix", "cli_");
			assertThat(toFile.exit()).as(toFile.err()).isZero();
			assertThat(run("verify", back.toString()).out()).contains("24 events", ": OK");
			assertThat(run("cat", back.toString(), "--json").out())
				.isEqualTo(run("cat", journal.toString(), "--json").out());
			Path segmented = this.dir.resolve("back-segmented");
			Run toSegments = run("copy", url, segmented.toString(), "--table-prefix", "cli_", "--segment-size", "1KB");
			assertThat(toSegments.exit()).as(toSegments.err()).isZero();
			assertThat(segmented).isDirectory();
			assertThat(run("verify", segmented.toString()).out()).contains("24 events", ": OK");
			assertThat(run("cat", segmented.toString(), "--json").out())
				.isEqualTo(run("cat", journal.toString(), "--json").out());

			copied.save("receipts", new Checkpoint(7, 0), new Checkpoint(9, 0));
			Run checkpointDiffers = run("copy", journal.toString(), url, "--table-prefix", "cli_");
			assertThat(checkpointDiffers.exit()).isEqualTo(1);
			assertThat(checkpointDiffers.err()).contains("holds checkpoint", "'receipts'");
			assertThat(copied.load("receipts")).contains(new Checkpoint(9, 0));

			Path other = this.dir.resolve("other.ndjson");
			try (EventStore store = EventStore.open(other)) {
				store.append("x", NewEvent.of("Other", Map.of()));
			}
			Run refused = run("copy", other.toString(), url, "--table-prefix", "cli_");
			assertThat(refused.exit()).isEqualTo(1);
			assertThat(refused.err()).contains("not the start of this copy");
		}
	}

	/**
	 * The copy to PostgreSQL killed with SIGKILL twice, each time once it committed a
	 * page, then run again to the end: the target is the source, tags included, byte for
	 * byte in {@code cat --json}.
	 */
	@Test
	void aCopyKilledMidwayAndRunAgainEndsWithTheWholeJournal() throws Exception {
		Path journal = this.dir.resolve("large.ndjson");
		int total = 0;
		try (EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).build()) {
			while (total < 40_000) {
				List<NewEvent> batch = new ArrayList<>();
				for (int k = 0; k <= total % 4; k++) {
					batch.add(NewEvent.of("Noted", Map.of("n", total + k), Map.of("by", "kill-test"))
						.withTags("customer:" + ((total + k) % 50)));
				}
				store.appendBatch("order-" + (total % 300), batch);
				total += batch.size();
			}
		}
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			DataSource database = postgres.getPostgresDatabase();
			List<Long> killedAt = new ArrayList<>();
			for (int kill = 0; kill < 2; kill++) {
				long before = copiedEvents(database);
				Process copy = start("copy", journal.toString(), url, "--table-prefix", "killed_");
				try {
					await().atMost(Duration.ofSeconds(60))
						.pollInterval(Duration.ofMillis(20))
						.until(() -> copiedEvents(database) > before || !copy.isAlive());
				}
				finally {
					copy.destroyForcibly();
					assertThat(copy.waitFor(30, TimeUnit.SECONDS)).isTrue();
				}
				killedAt.add(copiedEvents(database));
			}
			assertThat(killedAt.get(0)).as("killed midway").isBetween(1L, total - 1L);
			Run rest = run("copy", journal.toString(), url, "--table-prefix", "killed_");
			assertThat(rest.exit()).as(rest.err()).isZero();
			assertThat(rest.out()).contains("resumed after position " + killedAt.get(1), "it now holds " + total);
			assertThat(run("cat", url, "--table-prefix", "killed_", "--json").out())
				.isEqualTo(run("cat", journal.toString(), "--json").out());
		}
	}

	private static long copiedEvents(DataSource database) {
		try (Connection connection = database.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM killed_events")) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			// Not made yet.
			return 0;
		}
	}

	@Test
	void convertTurnsAFileIntoSegmentsThatEveryCommandReads() throws Exception {
		Path journal = journal(200);
		String before = run("cat", journal.toString(), "--json").out();
		Run converted = run("convert", journal.toString(), "--segment-size", "2KB");
		assertThat(converted.exit()).as(converted.err()).isZero();
		assertThat(converted.out()).contains("Converted", "202 events", "single-file");
		assertThat(journal).isDirectory();
		List<Path> segments;
		try (java.util.stream.Stream<Path> files = Files.list(journal)) {
			segments = files.filter((file) -> file.toString().endsWith(".ndjson")).sorted().toList();
		}
		assertThat(segments).hasSizeGreaterThan(5);
		assertThat(run("verify", journal.toString()).out()).contains("202 events in 4 streams", ": OK");
		assertThat(run("cat", journal.toString(), "--json").out()).isEqualTo(before);
		assertThat(run("streams", journal.toString(), "--prefix", "order-").out()).contains("order-0", "order-2");
		assertThat(run("convert", journal.toString()).exit()).isEqualTo(1);
		assertThat(run("convert", journal.toString(), "--segment-size", "lots").exit()).isEqualTo(2);
		// Damage one line of a sealed segment: verify names the segment and the line.
		Path sealed = segments.get(2);
		byte[] bytes = Files.readAllBytes(sealed);
		int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("Placed");
		bytes[at] = 'p';
		Files.write(sealed, bytes);
		Run damaged = run("verify", journal.toString());
		assertThat(damaged.exit()).isEqualTo(1);
		assertThat(damaged.out()).contains(sealed.getFileName() + ", line 1, byte 0: damaged line");
	}

	@Test
	void tailFollowsASegmentedJournalAcrossSegments() throws Exception {
		Path journal = this.dir.resolve("segmented");
		try (EventStore store = EventStore.builder().persistPath(journal).segmentSize(600).build()) {
			store.append("s", NewEvent.of("Before", Map.of()));
			Process tail = start("tail", "-f", journal.toString());
			try {
				BufferedReader out = new BufferedReader(
						new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8));
				assertThat(out.readLine()).contains("s@1  Before");
				for (int i = 2; i <= 30; i++) {
					store.append("s", NewEvent.of("Live", Map.of("n", i, "pad", "x".repeat(60))));
				}
				for (int i = 2; i <= 30; i++) {
					String[] line = new String[1];
					await().atMost(Duration.ofSeconds(20)).until(() -> (line[0] = out.readLine()) != null);
					assertThat(line[0]).contains("#" + i + "  s@" + i + "  Live");
				}
			}
			finally {
				tail.destroyForcibly();
			}
		}
		try (java.util.stream.Stream<Path> files = Files.list(journal)) {
			assertThat(files.filter((file) -> file.toString().endsWith(".index"))).hasSizeGreaterThan(3);
		}
	}

}
