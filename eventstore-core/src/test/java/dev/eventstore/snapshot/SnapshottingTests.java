package dev.eventstore.snapshot;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SnapshottingTests {

	@TempDir
	Path dir;

	private EventStore store;

	private Path journal;

	/** The state under test: a count and a sum of the events' numbers. */
	record Tally(long count, long sum) {

		static Tally empty(String streamId) {
			return new Tally(0, 0);
		}

		Tally apply(StoredEvent event) {
			return new Tally(this.count + 1, this.sum + ((Number) event.data().get("n")).longValue());
		}

	}

	/** The same shape under another name: fingerprints compare shapes, names included. */
	record OtherTally(long count, String sum) {
	}

	@BeforeEach
	void open() {
		this.journal = this.dir.resolve("events.ndjson");
		this.store = EventStore.builder().persistPath(this.journal).fsync(FsyncPolicy.NEVER).build();
	}

	@AfterEach
	void close() {
		this.store.close();
	}

	private Snapshotting<Tally> tallies(int every, int revision) {
		return Snapshotting.builder(this.store, SnapshotStore.besideJournal(this.journal), Tally.class)
			.initial(Tally::empty)
			.evolve(Tally::apply)
			.every(every)
			.revision(revision)
			.build();
	}

	private void append(String stream, int count) {
		long before = this.store.streamVersion(stream);
		List<NewEvent> batch = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			batch.add(NewEvent.of("Counted", Map.of("n", before + i)));
		}
		this.store.appendBatch(stream, batch);
	}

	private static Tally expected(long events) {
		return new Tally(events, events * (events + 1) / 2);
	}

	@Test
	void aLoadStartsFromTheLatestSnapshotAndReplaysOnlyTheEventsAfterIt() {
		append("t", 250);
		Snapshotting<Tally> tallies = tallies(100, 1);
		Snapshotting.Loaded<Tally> first = tallies.load("t");
		assertThat(first).isEqualTo(new Snapshotting.Loaded<>(expected(250), 250, 0));
		assertThat(tallies.stats().saved()).isEqualTo(1);
		append("t", 10);
		Snapshotting.Loaded<Tally> second = tallies.load("t");
		assertThat(second).isEqualTo(new Snapshotting.Loaded<>(expected(260), 260, 250));
		assertThat(tallies.stats()).isEqualTo(new Snapshotting.Stats(1, 0, 0, 1, 0));
	}

	@Test
	void aLoadUpToAVersionBeforeTheSnapshotReplaysFromTheStart() {
		append("t", 150);
		Snapshotting<Tally> tallies = tallies(100, 1);
		tallies.load("t");
		assertThat(tallies.load("t", 120)).isEqualTo(new Snapshotting.Loaded<>(expected(120), 120, 0));
		assertThat(tallies.load("t", 140).snapshotVersion()).isZero();
	}

	@Test
	void aSnapshotOfAnotherRevisionIsIgnoredCountedAndReplaced() {
		append("t", 120);
		tallies(100, 1).load("t");
		Snapshotting<Tally> bumped = tallies(100, 2);
		assertThat(bumped.fingerprint()).isNotEqualTo(tallies(100, 1).fingerprint());
		assertThat(bumped.load("t")).isEqualTo(new Snapshotting.Loaded<>(expected(120), 120, 0));
		assertThat(bumped.stats().ignoredStale()).isEqualTo(1);
		// Replayed 120 events, so it saved its own; the next load uses it.
		append("t", 1);
		assertThat(bumped.load("t").snapshotVersion()).isEqualTo(120);
	}

	@Test
	void aSnapshotOfAnotherShapeIsNeverReadIntoTheClass() {
		append("t", 5);
		SnapshotStore snapshots = SnapshotStore.besideJournal(this.journal);
		// A snapshot claiming version 5 whose state would read into Tally, saved from
		// another shape.
		snapshots.save(new Snapshot("t", Tally.class.getName(), 5, "another-shape",
				"{\"count\":999,\"sum\":999}".getBytes(StandardCharsets.UTF_8)));
		Snapshotting<Tally> tallies = tallies(100, 1);
		assertThat(tallies.load("t")).isEqualTo(new Snapshotting.Loaded<>(expected(5), 5, 0));
		assertThat(tallies.stats().ignoredStale()).isEqualTo(1);
	}

	@Test
	void shapesDifferWhenComponentsOrTheirTypesDo() {
		assertThat(StateFingerprint.shape(Tally.class)).endsWith("{count:long,sum:long,}");
		assertThat(StateFingerprint.shape(OtherTally.class)).endsWith("{count:long,sum:java.lang.String,}");
		assertThat(StateFingerprint.of(Tally.class, 1)).isNotEqualTo(StateFingerprint.of(OtherTally.class, 1))
			.isEqualTo(StateFingerprint.of(Tally.class, 1))
			.isNotEqualTo(StateFingerprint.of(Tally.class, 2));
	}

	@Test
	void aDamagedSnapshotFileIsIgnoredWithAWarningAndTheStreamReplayed() throws Exception {
		append("t", 120);
		Snapshotting<Tally> tallies = tallies(100, 1);
		tallies.load("t");
		Path file = ((FileSnapshotStore) SnapshotStore.besideJournal(this.journal)).file("t", Tally.class.getName());
		assertThat(file).exists();
		String content = Files.readString(file);
		for (String damaged : List.of(content.substring(0, content.length() / 2),
				content.replace("\"sum\":7260", "\"sum\":7261"), "\0\0\0")) {
			Files.writeString(file, damaged);
			Snapshotting<Tally> fresh = tallies(1_000, 1);
			assertThat(fresh.load("t")).as(damaged).isEqualTo(new Snapshotting.Loaded<>(expected(120), 120, 0));
			assertThat(fresh.stats().ignoredCorrupt()).as(damaged).isEqualTo(1);
		}
	}

	@Test
	void aStateThatNoLongerReadsAsTheClassIsIgnoredAsDamaged() {
		append("t", 3);
		SnapshotStore snapshots = SnapshotStore.besideJournal(this.journal);
		Snapshotting<Tally> tallies = tallies(100, 1);
		snapshots.save(new Snapshot("t", Tally.class.getName(), 3, tallies.fingerprint(),
				"{\"count\":\"many\"}".getBytes(StandardCharsets.UTF_8)));
		assertThat(tallies.load("t")).isEqualTo(new Snapshotting.Loaded<>(expected(3), 3, 0));
		assertThat(tallies.stats().ignoredCorrupt()).isEqualTo(1);
	}

	@Test
	void anOlderSnapshotNeverReplacesANewerOne() {
		for (SnapshotStore snapshots : List.of(SnapshotStore.besideJournal(this.journal), SnapshotStore.inMemory())) {
			byte[] state = "{}".getBytes(StandardCharsets.UTF_8);
			snapshots.save(new Snapshot("s", "T", 10, "f", state));
			snapshots.save(new Snapshot("s", "T", 7, "f", state));
			assertThat(snapshots.load("s", "T")).get().extracting(Snapshot::version).isEqualTo(10L);
			assertThat(snapshots.load("s", "Other")).isEmpty();
		}
	}

	@Test
	void aSnapshotReadOrSavedOnceIsServedFromMemoryAsTheCallersOwnCopy() throws Exception {
		SnapshotStore snapshots = SnapshotStore.besideJournal(this.journal);
		snapshots.save(new Snapshot("s", "T", 3, "f", "{\"n\":3}".getBytes(StandardCharsets.UTF_8)));
		Path file = ((FileSnapshotStore) snapshots).file("s", "T");
		Files.delete(file);
		Snapshot first = snapshots.load("s", "T").orElseThrow();
		first.state()[2] = 'X';
		assertThat(new String(snapshots.load("s", "T").orElseThrow().state(), StandardCharsets.UTF_8))
			.isEqualTo("{\"n\":3}");
		assertThat(SnapshotStore.besideJournal(this.journal).load("s", "T")).as("another store reads the file")
			.isEmpty();
	}

	@Test
	void aSnapshotKeptInMemoryThatAnotherStoreSupersededStillLoadsTheTrueState() {
		append("t", 150);
		Snapshotting<Tally> first = tallies(100, 1);
		assertThat(first.load("t").state()).isEqualTo(expected(150));
		append("t", 100);
		Snapshotting<Tally> second = tallies(100, 1);
		assertThat(second.load("t").state()).isEqualTo(expected(250));
		append("t", 5);
		assertThat(first.load("t")).as("from its own older snapshot, replaying more")
			.isEqualTo(new Snapshotting.Loaded<>(expected(255), 255, 150));
	}

	@Test
	void badSettingsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> tallies(0, 1)).withMessageContaining("every");
		assertThatIllegalArgumentException().isThrownBy(() -> tallies(1, 0)).withMessageContaining("revision");
		assertThatIllegalArgumentException().isThrownBy(() -> new Snapshot("s", "T", 0, "f", new byte[0]))
			.withMessageContaining("at least version 1");
	}

}
