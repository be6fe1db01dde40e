package dev.eventstore.processor;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataErased;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Processor} was built with, shared by its roles. Immutable.
 *
 * @param name the processor's name
 * @param store the store whose log it processes
 * @param handler what it calls for each event
 * @param startFrom where a first run starts
 * @param checkpoints where checkpoints are kept
 * @param ownership who runs it where instances share the store
 * @param retry how a failing handler is retried
 * @param checkpointEvery events between checkpoint saves
 * @param checkpointIntervalNanos the longest time between checkpoint saves
 * @param ownershipCheckNanos how often ownership is tried or confirmed
 * @param stopTimeoutMillis how long a stop lets the handler finish
 * @param transactions the transactions each event's handling runs in, if any
 * @param observer hears of handled and failed events
 * @param pageSize events a read fetches
 * @param segment the segment these roles run, from 0
 * @param segments how many segments the processor has
 * @param exhausted what happens to an event once its retries are used up
 */
record ProcessorConfiguration(String name, EventStore store, EventHandler handler, StartPoint startFrom,
		CheckpointStore checkpoints, ProcessorOwnership ownership, RetryPolicy retry, int checkpointEvery,
		long checkpointIntervalNanos, long ownershipCheckNanos, long stopTimeoutMillis,
		@Nullable HandlerTransactions transactions, ProcessorObserver observer, int pageSize, int segment, int segments,
		RetriesExhausted exhausted) {

	static final ProcessorObserver NO_OBSERVER = new ProcessorObserver() {
	};

	ProcessorConfiguration {
		if (checkpoints.isTransactional() != (transactions != null)) {
			throw new IllegalStateException("Processor '" + name + "': a transactional checkpoint store needs "
					+ "HandlerTransactions and HandlerTransactions need a transactional checkpoint store; got "
					+ checkpoints + " and " + ((transactions != null) ? "transactions" : "none"));
		}
	}

	/** The same processor's configuration for one of its segments. */
	ProcessorConfiguration forSegment(int segment) {
		return new ProcessorConfiguration(this.name, this.store, this.handler, this.startFrom, this.checkpoints,
				this.ownership, this.retry, this.checkpointEvery, this.checkpointIntervalNanos,
				this.ownershipCheckNanos, this.stopTimeoutMillis, this.transactions, this.observer, this.pageSize,
				segment, this.segments, this.exhausted);
	}

	/**
	 * The name this segment's checkpoint, parked events and ownership are kept under.
	 */
	String key() {
		return ProcessorSegments.key(this.name, this.segment, this.segments);
	}

	/** The processor's name, with the segment when it has several, for messages. */
	String label() {
		return (this.segments == 1) ? "'" + this.name + "'"
				: "'" + this.name + "' (segment " + this.segment + " of " + this.segments + ")";
	}

	/**
	 * Whether an event belongs to this segment. Every segment gets the erasures' events,
	 * each after its own earlier events: a segment's handler may still be writing a copy
	 * of personal data it read before the erasure, which only its own handling of the
	 * erasure, after that work, erases.
	 */
	boolean owns(StoredEvent event) {
		return this.segments == 1 || ProcessorSegments.of(event.streamId(), this.segments) == this.segment
				|| event.streamId().equals(PersonalDataErased.STREAM);
	}

	/** Whether each event's handling and checkpoint commit together. */
	boolean transactional() {
		return this.transactions != null;
	}

	/**
	 * Whether anyone listens to the observer's calls (a replay skips reading the clock).
	 */
	boolean observed() {
		return this.observer != NO_OBSERVER;
	}

}
