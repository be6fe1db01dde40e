package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Where a processor is and what it is doing, shared by its roles: written by its thread
 * (and by operators' calls for the pause), read by anyone for its status. Also how the
 * thread is woken and how it waits. Thread-safe: every field is volatile or atomic.
 */
final class ProcessorProgress {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private final String name;

	private final AtomicLong wakes = new AtomicLong();

	private volatile @Nullable Thread thread;

	volatile boolean started;

	volatile boolean closed;

	volatile boolean paused;

	volatile boolean owned;

	volatile boolean caughtUp;

	/** The last position handled; with {@link #owned} false, the last checkpoint read. */
	volatile long handled;

	volatile long lastKnownPosition;

	volatile @Nullable ProcessorFailure failure;

	volatile @Nullable String lastError;

	/** The instance that runs the segment, as last seen; null when unknown. */
	volatile @Nullable String owner;

	ProcessorProgress(String name) {
		this.name = name;
	}

	/** The thread that waits in {@link #idle} and {@link #sleep}. */
	void runsOn(Thread thread) {
		this.thread = thread;
	}

	/** How many wakes so far: {@link #idle} returns once there are more. */
	long wakes() {
		return this.wakes.get();
	}

	void wake() {
		this.wakes.incrementAndGet();
		Thread waiting = this.thread;
		if (waiting != null) {
			LockSupport.unpark(waiting);
		}
	}

	/** Waits until woken, the processor closes, or the time is up. */
	void idle(long seen, long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (this.wakes.get() == seen && !this.closed) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	/** Waits, whatever wakes come, until the processor closes or the time is up. */
	void sleep(long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (!this.closed) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	/** A failure at the checkpoint: the next position is where it stops. */
	ProcessorFailure checkpointFailure(String message) {
		return new ProcessorFailure(this.handled + 1, null, null, message, 0, Instant.now());
	}

	/** Stops delivery until an operator resumes, skips or resets. */
	void fail(ProcessorFailure failed) {
		fail(failed, null);
	}

	/**
	 * Stops delivery until an operator resumes, skips or resets, logging what the handler
	 * threw (its personal values withheld) with its stack trace.
	 */
	void fail(ProcessorFailure failed, @Nullable Throwable thrown) {
		this.failure = failed;
		this.lastError = failed.error();
		logger.log(Level.ERROR,
				"Processor " + this.name + " FAILED at position " + failed.position()
						+ ((failed.streamId() != null) ? " (stream '" + failed.streamId() + "', type '" + failed.type()
								+ "', after " + failed.attempts() + " attempts)" : "")
						+ ": " + failed.error() + ". It waits for an operator to resume, skip or reset it",
				thrown);
	}

}
