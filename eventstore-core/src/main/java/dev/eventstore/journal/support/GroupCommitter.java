package dev.eventstore.journal.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Flat combining for journal writes: callers queue their requests, and whichever caller
 * takes the lock writes every queued request as one group (one write, one fsync, one
 * transaction) and completes each; the others wait, parked. Concurrent appends so share
 * the cost of a write, and no thread but the callers' own is involved. Thread-safe.
 *
 * @param <R> the journal's request type
 * @since 0.2.0
 */
public final class GroupCommitter<R extends GroupCommitter.Request> {

	/** How many callers may spin at once before parking: fewer than the cores. */
	private static final int SPINNING_CORES = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

	private final ReentrantLock lock = new ReentrantLock();

	private final ConcurrentLinkedQueue<R> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger spinners = new AtomicInteger();

	private final int maxGroup;

	private final int spins;

	private final Consumer<List<R>> writeGroup;

	/**
	 * @param maxGroup the most requests written as one group
	 * @param spins how long a waiting caller spins before it parks (0: park at once);
	 * worth it only when a group completes in microseconds
	 * @param writeGroup writes a group, called by one caller at a time; it gives each
	 * request its outcome ({@link Request#succeeded()} or {@link Request#fail}); what it
	 * throws fails the requests it left without one
	 */
	public GroupCommitter(int maxGroup, int spins, Consumer<List<R>> writeGroup) {
		this.maxGroup = maxGroup;
		this.spins = spins;
		this.writeGroup = writeGroup;
	}

	/**
	 * Queues the request and returns once it is written or failed, having written groups
	 * itself while the lock was free.
	 * @param request the request
	 * @throws RuntimeException the request's failure
	 */
	public void submit(R request) {
		this.queue.add(request);
		boolean interrupted = false;
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
					// Groups that complete in microseconds (spinning callers): wake the
					// callers once the lock is free, since unparking dozens of threads
					// takes a system call each and the next group can be written
					// meanwhile (INTERVAL, 64 threads on 2 cores: 45 k -> 98 k
					// appends/s). Groups that wait for an fsync were measured faster
					// waking them at once (ALWAYS, 16 threads: 29 k vs 23 k appends/s).
					for (R done : written) {
						LockSupport.unpark(done.thread);
					}
				}
				// A caller that queued while we held the lock found it taken: wake one to
				// write.
				R waiting = this.queue.peek();
				if (waiting != null) {
					LockSupport.unpark(waiting.thread);
				}
			}
			else if (!spinBriefly(request)) {
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

	private boolean spinBriefly(Request request) {
		if (this.spins == 0) {
			return request.done;
		}
		// More spinners than cores would starve the writer they wait for.
		if (this.spinners.incrementAndGet() <= SPINNING_CORES) {
			for (int spin = 0; spin < this.spins && !request.done; spin++) {
				Thread.onSpinWait();
			}
		}
		this.spinners.decrementAndGet();
		return request.done;
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
				if (this.spins == 0) {
					LockSupport.unpark(request.thread);
				}
			}
		}
		return (this.spins == 0) ? List.of() : group;
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
