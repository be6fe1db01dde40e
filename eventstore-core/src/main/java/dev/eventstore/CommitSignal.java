package dev.eventstore;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes catch-up subscriptions when events are committed. A counter read before looking
 * at the log makes the wait race-free: an append between the look and the wait changes
 * it, and the wait returns at once. Thread-safe.
 */
final class CommitSignal {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private volatile long count;

	long current() {
		return this.count;
	}

	void wakeAll() {
		this.lock.lock();
		try {
			this.count++;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Waits until the counter moves past {@code seen} or the time is up. */
	void await(long seen, long millis) {
		long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
		this.lock.lock();
		try {
			while (this.count == seen && nanos > 0) {
				nanos = this.changed.awaitNanos(nanos);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
	}

}
