package dev.eventstore;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * For a journal other processes append to as well. Delivers to live subscribers what the
 * journal has committed, read back in position order, so events of every process arrive
 * once each and in order. An appender whose events are committed waits until they are
 * delivered (read-your-writes); one whose events wait for the caller's own transaction to
 * commit does not, and a poller thread delivers them, and other processes' events, once
 * they are committed. The poller wakes on the commit signal (local appends and the
 * journal's commit notifications) and at every poll interval.
 *
 * <p>
 * Thread-safe; the lock is never held while a subscriber runs or the journal is read.
 */
final class SharedLogDispatcher implements Dispatcher {

	private static final System.Logger logger = System.getLogger(SharedLogDispatcher.class.getName());

	private static final int PAGE = 256;

	private final Journal journal;

	private final ErasuresSeen erasuresSeen;

	private final Observers observers;

	private final CommitSignal commits;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition progress = this.lock.newCondition();

	private final CopyOnWriteArrayList<LiveSubscription> subscriptions = new CopyOnWriteArrayList<>();

	/**
	 * Every position before this one has been delivered (or had no subscriber). Guarded
	 * by lock.
	 */
	private long next;

	/** Guarded by lock. */
	private @Nullable Thread drainer;

	private final Thread poller;

	private volatile boolean closed;

	SharedLogDispatcher(Journal journal, Observers observers, CommitSignal commits, long pollMillis,
			ErasuresSeen erasuresSeen) {
		this.journal = journal;
		this.erasuresSeen = erasuresSeen;
		this.observers = observers;
		this.commits = commits;
		this.next = journal.lastPosition() + 1;
		this.poller = new Thread(() -> poll(pollMillis), "eventstore-live-poller");
		this.poller.setDaemon(true);
		this.poller.start();
	}

	@Override
	public Subscription subscribe(Consumer<StoredEvent> subscriber) {
		long from = this.journal.lastPosition() + 1;
		LiveSubscription subscription = new LiveSubscription(subscriber, from, this.subscriptions);
		this.subscriptions.add(subscription);
		return subscription;
	}

	@Override
	public void publish(List<StoredEvent> batch) {
		long last = batch.get(batch.size() - 1).position();
		if (this.subscriptions.isEmpty() || this.journal.lastPosition() < last) {
			// Nothing to deliver to, or not committed yet: the poller delivers it after
			// the commit.
			return;
		}
		this.lock.lock();
		try {
			if (this.drainer == Thread.currentThread()) {
				return;
			}
			while (this.next <= last && !this.closed) {
				if (this.drainer == null) {
					drain();
				}
				else {
					this.progress.awaitUninterruptibly();
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void poll(long pollMillis) {
		while (!this.closed) {
			long seen = this.commits.current();
			if (!this.subscriptions.isEmpty()) {
				this.lock.lock();
				try {
					if (this.drainer == null) {
						drain();
					}
				}
				catch (RuntimeException ex) {
					if (!this.closed) {
						logger.log(Level.WARNING, "Cannot read new events for live subscribers; retrying", ex);
					}
				}
				finally {
					this.lock.unlock();
				}
			}
			this.commits.await(seen, pollMillis);
		}
	}

	/** Called with the lock held; delivers everything committed from {@code next} on. */
	private void drain() {
		this.drainer = Thread.currentThread();
		try {
			while (!this.closed) {
				long from = Math.max(this.next, firstWanted());
				this.lock.unlock();
				List<StoredEvent> page;
				try {
					page = this.erasuresSeen.in(this.journal.readAll(from, PAGE));
					for (StoredEvent event : page) {
						for (LiveSubscription subscription : this.subscriptions) {
							if (subscription.wants(event)) {
								this.observers.deliver(subscription.subscriber, event);
							}
						}
					}
				}
				finally {
					this.lock.lock();
				}
				if (page.isEmpty()) {
					return;
				}
				this.next = page.get(page.size() - 1).position() + 1;
				this.progress.signalAll();
			}
		}
		finally {
			this.drainer = null;
			this.progress.signalAll();
		}
	}

	private long firstWanted() {
		long first = Long.MAX_VALUE;
		for (LiveSubscription subscription : this.subscriptions) {
			first = Math.min(first, subscription.from());
		}
		return (first == Long.MAX_VALUE) ? this.next : first;
	}

	@Override
	public void close() {
		this.closed = true;
		for (LiveSubscription subscription : this.subscriptions) {
			subscription.close();
		}
		this.commits.wakeAll();
		this.lock.lock();
		try {
			this.progress.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		if (Thread.currentThread() != this.poller) {
			try {
				this.poller.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
