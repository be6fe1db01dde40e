package dev.eventstore.journal.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A failed write or fsync leaves no trace, and the store works on once the cause is gone.
 */
class FileJournalFailureTests {

	@TempDir
	Path dir;

	private FaultyWriter writer;

	private EventStore store;

	private final List<StoredEvent> delivered = new ArrayList<>();

	private Path journal() {
		return this.dir.resolve("events.ndjson");
	}

	private void open(FsyncPolicy fsync) {
		FileJournal journal = FileJournal.open(journal(), fsync, FileJournal.DEFAULT_FSYNC_INTERVAL, (path, size) -> {
			this.writer = new FaultyWriter(path, size);
			return this.writer;
		});
		this.store = EventStore.builder().journal(journal).build();
		this.store.subscribe(this.delivered::add);
	}

	@AfterEach
	void close() {
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	void failedWriteLeavesNoTraceAndTheStoreWorksOn() throws IOException {
		open(FsyncPolicy.ALWAYS);
		StoredEvent first = this.store.append("s", NewEvent.of("Kept", Map.of()));
		long size = Files.size(journal());
		this.writer.failNextWriteAfter = 20;
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.store.appendBatch("s",
					List.of(NewEvent.of("Lost", Map.of("x", 1)), NewEvent.of("Lost", Map.of("x", 2)))))
			.withMessageContaining(journal().getFileName().toString())
			.withMessageContaining("No space left on device")
			.withMessageContaining("nothing was stored");
		assertThat(Files.size(journal())).as("partial bytes removed").isEqualTo(size);
		assertThat(this.store.lastPosition()).isEqualTo(1);
		assertThat(this.store.streamVersion("s")).isEqualTo(1);
		assertThat(this.store.readAll(1, 10)).containsExactly(first);
		assertThat(this.delivered).containsExactly(first);
		assertThat(this.store.status().writeFailure()).contains("No space left on device");
		assertThat(this.store.status().healthy()).isFalse();
		StoredEvent next = this.store.append("s", NewEvent.of("After", Map.of()));
		assertThat(next.position()).isEqualTo(2);
		assertThat(next.version()).isEqualTo(2);
		assertThat(this.store.status().writeFailure()).isNull();
		assertThat(this.store.status().details()).containsEntry("fsync", "ALWAYS");
		reopenAndAssert(first, next);
	}

	@Test
	void failedWriteWhoseBytesCannotBeCutIsRepairedBeforeTheNextAppend() throws IOException {
		open(FsyncPolicy.NEVER);
		StoredEvent first = this.store.append("s", NewEvent.of("Kept", Map.of()));
		this.writer.failNextWriteAfter = 30;
		this.writer.failTruncates = 1;
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.store.append("s", NewEvent.of("Lost", Map.of())));
		assertThat(this.store.readAll(1, 10)).containsExactly(first);
		this.writer.failTruncates = 1;
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.store.append("s", NewEvent.of("Lost", Map.of())))
			.withMessageContaining("cannot cut them off");
		StoredEvent next = this.store.append("s", NewEvent.of("After", Map.of()));
		assertThat(next.position()).isEqualTo(2);
		reopenAndAssert(first, next);
	}

	@Test
	void failedFsyncRollsBackTheAppendItWasToConfirm() throws IOException {
		open(FsyncPolicy.ALWAYS);
		StoredEvent first = this.store.append("s", NewEvent.of("Kept", Map.of()));
		long size = Files.size(journal());
		this.writer.failNextSync = true;
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.store.append("s", NewEvent.of("Lost", Map.of())))
			.withMessageContaining("Could not fsync")
			.withMessageContaining("rolled back");
		assertThat(Files.size(journal())).isEqualTo(size);
		assertThat(this.store.lastPosition()).isEqualTo(1);
		assertThat(this.store.readStream("s")).containsExactly(first);
		assertThat(this.delivered).containsExactly(first);
		StoredEvent next = this.store.append("s", NewEvent.of("After", Map.of()));
		assertThat(next.position()).isEqualTo(2);
		reopenAndAssert(first, next);
	}

	@Test
	void failedFsyncUnderConcurrentAppendsLosesNothingAcknowledged() throws Exception {
		open(FsyncPolicy.ALWAYS);
		List<StoredEvent> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
		java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
		Thread failer = new Thread(() -> {
			for (int i = 0; i < 20; i++) {
				this.writer.failNextSync = true;
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		failer.start();
		List<Thread> appenders = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int thread = t;
			Thread appender = new Thread(() -> {
				for (int i = 0; i < 100; i++) {
					try {
						acknowledged.add(this.store.append("s-" + thread, NewEvent.of("E", Map.of("i", i))));
					}
					catch (EventStoreException ex) {
						failures.incrementAndGet();
					}
				}
			});
			appenders.add(appender);
			appender.start();
		}
		for (Thread appender : appenders) {
			appender.join(60_000);
		}
		failer.join();
		assertThat(failures.get()).as("some fsyncs failed").isPositive();
		List<StoredEvent> all = this.store.readAll(1, 1000);
		assertThat(all).containsExactlyInAnyOrderElementsOf(acknowledged);
		assertThat(this.delivered).isEqualTo(all);
		this.store.close();
		try (EventStore reopened = EventStore.open(journal())) {
			assertThat(reopened.readAll(1, 1000)).isEqualTo(all);
		}
		this.store = null;
	}

	private void reopenAndAssert(StoredEvent... expected) {
		this.store.close();
		this.store = null;
		try (EventStore reopened = EventStore.open(journal())) {
			assertThat(reopened.readAll(1, 100)).containsExactly(expected);
		}
	}

}
