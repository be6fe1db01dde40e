package dev.eventstore.personal;

import java.time.Instant;
import java.util.List;

import dev.eventstore.AppendResult;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.memory.InMemoryJournal;

/**
 * An in-memory journal for tests that change what one of its calls does (refuse an
 * append, check keys): every call they leave alone goes to the in-memory journal.
 */
abstract class ForwardingJournal implements Journal {

	final InMemoryJournal journal = new InMemoryJournal();

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		return this.journal.append(streamId, events, expected, timestamp);
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		return this.journal.readStream(streamId, fromVersion, maxCount);
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		return this.journal.readAll(fromPosition, maxCount);
	}

	@Override
	public long streamVersion(String streamId) {
		return this.journal.streamVersion(streamId);
	}

	@Override
	public long lastPosition() {
		return this.journal.lastPosition();
	}

	@Override
	public long sizeBytes() {
		return this.journal.sizeBytes();
	}

	@Override
	public void close() {
		this.journal.close();
	}

}
