package dev.eventstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.snapshot.Snapshotting;

/** Loading a long stream from its snapshot, beside loading a short one by replay. */
final class SnapshotScenarios {

	private SnapshotScenarios() {
	}

	/** An account's state: its balance and how many events made it. */
	record Account(long events, long balance) {

		Account apply(StoredEvent event) {
			return new Account(this.events + 1, this.balance + ((Number) event.data().get("amount")).longValue());
		}

	}

	/** Loads per second of both. */
	record Loads(Measurement.Result longWithSnapshots, Measurement.Result shortReplayed) {
	}

	static Loads loads(EventStore store, Path journal, Settings settings) throws Exception {
		// Snapshots of an earlier run's journal of this name would not match this one.
		Path old = journal.resolveSibling(journal.getFileName() + ".snapshots");
		if (Files.isDirectory(old)) {
			try (Stream<Path> files = Files.list(old)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
		}
		append(store, "account-long", 10_000);
		append(store, "account-short", 100);
		Snapshotting<Account> snapshotted = Snapshotting
			.builder(store, SnapshotStore.besideJournal(journal), Account.class)
			.initial((stream) -> new Account(0, 0))
			.evolve(Account::apply)
			.every(100)
			.build();
		snapshotted.load("account-long");
		// The snapshot covers 10,000 events; 50 more come after it, as in real life.
		append(store, "account-long", 50);
		Snapshotting<Account> replayed = Snapshotting.builder(store, SnapshotStore.inMemory(), Account.class)
			.initial((stream) -> new Account(0, 0))
			.evolve(Account::apply)
			.every(Integer.MAX_VALUE)
			.build();
		Measurement.Result longLoads = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
				(t, i) -> check(snapshotted.load("account-long"), 10_050));
		Measurement.Result shortLoads = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
				(t, i) -> check(replayed.load("account-short"), 100));
		if (snapshotted.stats().used() == 0) {
			throw new IllegalStateException("The long stream never loaded from its snapshot");
		}
		return new Loads(longLoads, shortLoads);
	}

	private static void check(Snapshotting.Loaded<Account> loaded, long events) {
		if (loaded.state().events() != events) {
			throw new IllegalStateException("Loaded " + loaded.state().events() + " events, expected " + events);
		}
	}

	private static void append(EventStore store, String stream, int count) {
		for (int from = 0; from < count; from += 500) {
			List<NewEvent> batch = new ArrayList<>();
			for (int i = from; i < Math.min(count, from + 500); i++) {
				batch.add(NewEvent.of("Deposited", Map.of("amount", 1 + i % 10)));
			}
			store.appendBatch(stream, batch);
		}
	}

}
