package dev.eventstore.journal.file;

import dev.eventstore.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** One writer per journal, in this process or another. */
class FileJournalLockTests {

	@TempDir
	Path dir;

	@Test
	void secondStoreInTheSameProcessFailsFastNamingThePath() {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore first = EventStore.open(journal)) {
			first.append("s", NewEvent.of("E", Map.of()));
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(journal))
				.withMessageContaining(journal.toString())
				.withMessageContaining("locked by another EventStore");
			assertThat(first.append("s", NewEvent.of("E", Map.of())).position()).isEqualTo(2);
		}
		try (EventStore again = EventStore.open(journal)) {
			assertThat(again.lastPosition()).isEqualTo(2);
		}
	}

	@Test
	void storeInAnotherProcessHoldsTheLock() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		Process holder = ChildJvm.start(HoldJournal.class, List.of(), journal.toString());
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(out.readLine()).isEqualTo("open");
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(journal))
				.withMessageContaining(journal.toString())
				.withMessageContaining("in this or another process");
		}
		finally {
			holder.destroyForcibly();
			holder.waitFor(10, TimeUnit.SECONDS);
		}
		// The OS releases the lock with the process, even one killed with SIGKILL.
		try (EventStore store = EventStore.open(journal)) {
			assertThat(store.readStream("held")).hasSize(1);
		}
	}

	@Test
	void refusedSecondOpenInTheSameProcessKeepsTheLockAgainstOtherProcesses() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		Path link = Files.createSymbolicLink(this.dir.resolve("link.ndjson"), journal.getFileName());
		try (EventStore first = EventStore.open(journal)) {
			first.append("s", NewEvent.of("E", Map.of()));
			assertThatException().isThrownBy(() -> EventStore.open(journal))
				.withMessageContaining("locked by another EventStore");
			assertThatException().isThrownBy(() -> EventStore.open(link))
				.withMessageContaining("locked by another EventStore");
			Process other = ChildJvm.start(TryOpen.class, List.of(), journal.toString());
			String outcome;
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
				outcome = out.readLine();
			}
			assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(outcome).isEqualTo("refused");
			assertThat(first.append("s", NewEvent.of("E", Map.of())).position()).isEqualTo(2);
		}
		try (EventStore again = EventStore.open(link)) {
			assertThat(again.lastPosition()).isEqualTo(2);
		}
	}

	@Test
	void aHardLinkToAJournalHeldByAnotherProcessIsNotASecondWriter() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		Path link = this.dir.resolve("same.ndjson");
		Process holder = ChildJvm.start(HoldJournal.class, List.of(), journal.toString());
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(out.readLine()).isEqualTo("open");
			Files.createLink(link, journal);
			long size = Files.size(journal);
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(link))
				.withMessageContaining(link.getFileName().toString())
				.withMessageContaining("2 names (hard links)");
			assertThat(Files.size(journal)).isEqualTo(size);
		}
		finally {
			holder.destroyForcibly();
			holder.waitFor(10, TimeUnit.SECONDS);
		}
		// Refused by either name while both exist; one name is a journal again.
		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(journal))
			.withMessageContaining("hard links");
		Files.delete(link);
		try (EventStore store = EventStore.open(journal)) {
			assertThat(store.readStream("held")).hasSize(1);
		}
	}

	@Test
	void aHardLinkToAJournalHeldInThisProcessIsRefused() throws Exception {
		Path journal = this.dir.resolve("events.ndjson");
		try (EventStore first = EventStore.open(journal)) {
			first.append("s", NewEvent.of("E", Map.of()));
			Path link = Files.createLink(this.dir.resolve("same.ndjson"), journal);
			assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> EventStore.open(link))
				.withMessageContaining("hard links");
			assertThat(first.append("s", NewEvent.of("E", Map.of())).position()).isEqualTo(2);
		}
	}

	/** Tries to open a journal and says whether it could. */
	static final class TryOpen {

		public static void main(String[] args) {
			try (EventStore store = EventStore.open(Path.of(args[0]))) {
				store.append("intruder", NewEvent.of("E", Map.of()));
				System.out.println("opened");
			}
			catch (EventStoreException ex) {
				System.out.println(ex.getMessage().contains("locked") ? "refused" : "failed: " + ex.getMessage());
			}
		}

	}

	/** Opens a journal, appends one event, says so and waits to be killed. */
	static final class HoldJournal {

		public static void main(String[] args) throws Exception {
			EventStore store = EventStore.open(Path.of(args[0]));
			store.append("held", NewEvent.of("E", Map.of()));
			System.out.println("open");
			System.out.flush();
			Thread.sleep(60_000);
		}

	}

}
