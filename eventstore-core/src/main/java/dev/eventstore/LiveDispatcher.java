package dev.eventstore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * For a journal this process alone writes. Delivers stored events to live subscribers
 * synchronously, in position order, once each, even when appends on several threads
 * finish out of order. Each appender hands its batch over and waits until it is
 * delivered; one thread at a time (the drainer) delivers every batch that is next in
 * line, its own or others'. A subscriber that appends from inside its callback runs on
 * the drainer: its batch is queued and delivered by the same drainer after the current
 * one, so nothing deadlocks and order holds.
 *
 * <p>
 * Thread-safe; the lock is never held while a subscriber runs.
 */
final class LiveDispatcher implements Dispatcher {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition progress = this.lock.newCondition();

	private final CopyOnWriteArrayList<LiveSubscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Batches waiting for delivery, by their first position. Guarded by lock. */
	private final Map<Long, List<StoredEvent>> pending = new HashMap<>();

	/** The next position to hand to subscribers. Guarded by lock. */
	private long next;

	/** Every position up to this one has been delivered. Guarded by lock. */
	private long delivered;

	/** The thread delivering, or null. Guarded by lock. */
	private @Nullable Thread drainer;

	private final Observers observers;

	/** The journal's last committed position. */
	private final LongSupplier lastPosition;

	LiveDispatcher(LongSupplier lastPosition, Observers observers) {
		this.observers = observers;
		this.lastPosition = lastPosition;
		this.next = lastPosition.getAsLong() + 1;
		this.delivered = this.next - 1;
	}

	@Override
	public Subscription subscribe(Consumer<StoredEvent> subscriber) {
		this.lock.lock();
		try {
			// Appends skip delivery while nobody listens; they all committed before this
			// point.
			long from = Math.max(this.next, this.lastPosition.getAsLong() + 1);
			if (from > this.next) {
				this.next = from;
				this.delivered = from - 1;
				this.pending.keySet().removeIf((first) -> first < from);
			}
			LiveSubscription subscription = new LiveSubscription(subscriber, from, this.subscriptions);
			this.subscriptions.add(subscription);
			return subscription;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Delivers a stored batch after all batches before it; returns once it is delivered,
	 * or at once when called from inside a subscriber.
	 */
	@Override
	public void publish(List<StoredEvent> batch) {
		if (this.subscriptions.isEmpty()) {
			// Read after the commit: a subscriber that registers later starts after this
			// batch.
			return;
		}
		long first = batch.get(0).position();
		long last = batch.get(batch.size() - 1).position();
		this.lock.lock();
		try {
			if (last < this.next) {
				return;
			}
			this.pending.put(first, batch);
			if (this.drainer == Thread.currentThread()) {
				return;
			}
			while (this.delivered < last) {
				if (this.drainer == null && this.pending.containsKey(this.next)) {
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

	/**
	 * Called with the lock held; delivers batches while the next one in line is there.
	 */
	private void drain() {
		this.drainer = Thread.currentThread();
		try {
			List<StoredEvent> batch;
			while ((batch = this.pending.remove(this.next)) != null) {
				long last = batch.get(batch.size() - 1).position();
				this.next = last + 1;
				this.lock.unlock();
				try {
					deliver(batch);
				}
				finally {
					this.lock.lock();
				}
				this.delivered = last;
				this.progress.signalAll();
			}
		}
		finally {
			this.drainer = null;
			this.progress.signalAll();
		}
	}

	private void deliver(List<StoredEvent> batch) {
		if (this.subscriptions.isEmpty()) {
			return;
		}
		for (StoredEvent event : batch) {
			for (LiveSubscription subscription : this.subscriptions) {
				if (subscription.wants(event)) {
					this.observers.deliver(subscription.subscriber, event);
				}
			}
		}
	}

	@Override
	public void close() {
		for (LiveSubscription subscription : this.subscriptions) {
			subscription.close();
		}
	}

}
