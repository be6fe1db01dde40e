package dev.eventstore.journal.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Flat combining for journal writes: callers queue their requests, and whichever caller
 * takes the lock writes every queued request as one group (one write, one fsync, one
 * transaction) and completes each; the others wait, yielding the processor for a while
 * where groups complete in microseconds, then parked. Concurrent appends so share the
 * cost of a write, and no thread but the callers' own is involved. Thread-safe.
 *
 * @param <R> the journal's request type
 * @since 0.2.0
 */
public final class GroupCommitter<R extends GroupCommitter.Request> {

	private final ReentrantLock lock = new ReentrantLock();

	private final ConcurrentLinkedQueue<R> queue = new ConcurrentLinkedQueue<>();

	private final int maxGroup;

	private final long yieldNanos;

	private final Consumer<List<R>> writeGroup;

	/**
	 * @param maxGroup the most requests written as one group
	 * @param yieldTime how long a waiting caller gives its processor to other threads
	 * ({@link Thread#yield()}) before it parks; {@link Duration#ZERO} parks at once.
	 * Worth it only where a group completes in microseconds: parking then costs more than
	 * the wait, since each parked caller must be woken with a system call and rescheduled
	 * @param writeGroup writes a group, called by one caller at a time; it gives each
	 * request its outcome ({@link Request#succeeded()} or {@link Request#fail}); what it
	 * throws fails the requests it left without one
	 */
	public GroupCommitter(int maxGroup, Duration yieldTime, Consumer<List<R>> writeGroup) {
		this.maxGroup = maxGroup;
		this.yieldNanos = yieldTime.toNanos();
		this.writeGroup = writeGroup;
	}

	/**
	 * Queues the request and returns once it is written or failed, having written groups
	 * itself while the lock was free.
	 * @param request the request
	 * @throws RuntimeException the request's failure
	 */
	public void submit(R request) {
		if (this.queue.isEmpty() && this.lock.tryLock()) {
			// No one waiting and the lock free (an appender alone): the request is a
			// group of its own, written without a queue node or lists.
			try {
				write(List.of(request));
			}
			finally {
				this.lock.unlock();
			}
			wakeNextWriter();
			if (request.failure != null) {
				throw request.failure;
			}
			return;
		}
		this.queue.add(request);
		boolean interrupted = false;
		boolean yielding = this.yieldNanos > 0;
		long parkAt = yielding ? System.nanoTime() + this.yieldNanos : 0;
		while (!request.done) {
			if (this.lock.tryLock()) {
				List<R> written = new ArrayList<>();
				try {
					while (!request.done && !this.queue.isEmpty()) {
						written.addAll(writeNextGroup());
					}
				}
				finally {
					this.lock.unlock();
					// Groups that complete in microseconds (yielding callers): wake the
					// callers once the lock is free, since unparking parked threads takes
					// a system call each and the next group can be written meanwhile
					// (about twice the appends at INTERVAL, 64 threads); a caller still
					// yielding costs no system call. Groups that wait for an fsync were
					// measured faster waking them at once (docs/performance.md).
					for (R done : written) {
						LockSupport.unpark(done.thread);
					}
				}
				wakeNextWriter();
			}
			else if (yielding) {
				// Yielding rather than spinning: on a machine with fewer cores than
				// appenders, a spinning caller keeps the writer it waits for, and the
				// callers with lines to encode, off the processor (the Disruptor's
				// YieldingWaitStrategy makes the same choice); the A/B in one process is
				// in docs/performance.md (INTERVAL, 64 threads against 1).
				yielding = System.nanoTime() - parkAt < 0;
				Thread.yield();
			}
			else {
				LockSupport.park(this);
				// An interrupt would make park return at once: remember it, wait on,
				// restore it.
				interrupted |= Thread.interrupted();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (request.failure != null) {
			throw request.failure;
		}
	}

	/** Wakes every queued caller, so that they find out the journal closed. */
	public void wakeAll() {
		for (R waiting : this.queue) {
			LockSupport.unpark(waiting.thread);
		}
	}

	/** Waits for whoever is writing a group to finish; callers then hold the lock. */
	public void lock() {
		this.lock.lock();
	}

	public void unlock() {
		this.lock.unlock();
	}

	/**
	 * Writes the next group and marks its requests done.
	 * @return the requests the caller is to wake once it released the lock
	 */
	private List<R> writeNextGroup() {
		List<R> group = new ArrayList<>();
		R next;
		while (group.size() < this.maxGroup && (next = this.queue.poll()) != null) {
			group.add(next);
		}
		write(group);
		return (this.yieldNanos == 0) ? List.of() : group;
	}

	/**
	 * A caller that queued while the lock was held found it taken: wakes one, in case it
	 * parked, to write.
	 */
	private void wakeNextWriter() {
		R waiting = this.queue.peek();
		if (waiting != null) {
			LockSupport.unpark(waiting.thread);
		}
	}

	/** Writes a group and marks its requests done. */
	private void write(List<R> group) {
		try {
			this.writeGroup.accept(group);
		}
		catch (RuntimeException ex) {
			for (R request : group) {
				if (!request.succeeded && request.failure == null) {
					request.failure = ex;
				}
			}
		}
		finally {
			for (R request : group) {
				request.done = true;
				if (this.yieldNanos == 0) {
					LockSupport.unpark(request.thread);
				}
			}
		}
	}

	/**
	 * One caller's request; the journal's subclass carries what it needs and what it
	 * produced.
	 */
	public abstract static class Request {

		final Thread thread = Thread.currentThread();

		boolean succeeded;

		@Nullable RuntimeException failure;

		volatile boolean done;

		/** Marks the request written; its subclass holds the result. */
		public void succeeded() {
			this.succeeded = true;
		}

		/** Fails the request with the reason its caller will see. */
		public void fail(RuntimeException failure) {
			this.failure = failure;
		}

		/** Whether the request has failed (so far, within the group being written). */
		public boolean failed() {
			return this.failure != null;
		}

	}

}
