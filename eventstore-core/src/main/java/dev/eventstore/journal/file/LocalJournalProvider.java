package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.time.Duration;

import dev.eventstore.FsyncPolicy;
import dev.eventstore.Journal;
import dev.eventstore.JournalProvider;
import dev.eventstore.journal.memory.InMemoryJournal;

/**
 * The journals of this machine: a {@link FileJournal} for a path (segmented when given a
 * segment size), an {@link InMemoryJournal} otherwise. Registered for
 * {@link java.util.ServiceLoader}.
 *
 * @since 0.2.0
 */
public final class LocalJournalProvider implements JournalProvider {

	@Override
	public Journal open(Path file, FsyncPolicy fsync, Duration fsyncInterval) {
		return FileJournal.open(file, fsync, fsyncInterval);
	}

	@Override
	public Journal openSegmented(Path path, FsyncPolicy fsync, Duration fsyncInterval, long segmentSize) {
		return FileJournal.open(path, fsync, fsyncInterval, segmentSize);
	}

	@Override
	public Journal inMemory() {
		return new InMemoryJournal();
	}

}
