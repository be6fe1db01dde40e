package dev.eventstore.processor;

import dev.eventstore.EventStore;
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
 */
record ProcessorConfiguration(String name, EventStore store, EventHandler handler, StartPoint startFrom,
		CheckpointStore checkpoints, ProcessorOwnership ownership, RetryPolicy retry, int checkpointEvery,
		long checkpointIntervalNanos, long ownershipCheckNanos, long stopTimeoutMillis,
		@Nullable HandlerTransactions transactions, ProcessorObserver observer, int pageSize) {

	static final ProcessorObserver NO_OBSERVER = new ProcessorObserver() {
	};

	ProcessorConfiguration {
		if (checkpoints.isTransactional() != (transactions != null)) {
			throw new IllegalStateException("Processor '" + name + "': a transactional checkpoint store needs "
					+ "HandlerTransactions and HandlerTransactions need a transactional checkpoint store; got "
					+ checkpoints + " and " + ((transactions != null) ? "transactions" : "none"));
		}
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
