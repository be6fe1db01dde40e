package dev.eventstore;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A subscription that reads the log from a position on its own thread: first what is
 * stored, then each new event as it is committed, once each and in order. Never holds up
 * appenders.
 */
final class CatchUpSubscription implements Subscription {

	private static final System.Logger logger = System.getLogger(CatchUpSubscription.class.getName());

	private static final AtomicInteger ids = new AtomicInteger();

	private static final int PAGE = 512;

	private final Journal journal;

	private final ErasuresSeen erasuresSeen;

	private final CommitSignal signal;

	private final Consumer<StoredEvent> subscriber;

	private final Runnable onClose;

	private final Thread thread;

	private final long pollMillis;

	private volatile boolean closed;

	private long next;

	private final Observers observers;

	CatchUpSubscription(Journal journal, CommitSignal signal, Observers observers, long fromPosition,
			Consumer<StoredEvent> subscriber, Runnable onClose, ErasuresSeen erasuresSeen) {
		this.journal = journal;
		this.erasuresSeen = erasuresSeen;
		this.observers = observers;
		this.signal = signal;
		this.next = fromPosition;
		this.subscriber = subscriber;
		this.onClose = onClose;
		// A shared journal learns of other processes' events only by looking.
		this.pollMillis = journal.isShared() ? 200 : 1000;
		this.thread = new Thread(this::run, "eventstore-catchup-" + ids.incrementAndGet());
		this.thread.setDaemon(true);
	}

	CatchUpSubscription start() {
		this.thread.start();
		return this;
	}

	private void run() {
		while (!this.closed) {
			long seen = this.signal.current();
			List<StoredEvent> page;
			try {
				page = this.erasuresSeen.in(this.journal.readAll(this.next, PAGE));
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					return;
				}
				logger.log(Level.ERROR, "Catch-up subscription " + this.thread.getName() + " cannot read from position "
						+ this.next + "; retrying", ex);
				this.signal.await(seen, this.pollMillis);
				continue;
			}
			if (page.isEmpty()) {
				this.signal.await(seen, this.pollMillis);
				continue;
			}
			for (StoredEvent event : page) {
				if (this.closed) {
					return;
				}
				this.observers.deliver(this.subscriber, event);
				this.next = event.position() + 1;
			}
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.signal.wakeAll();
		this.onClose.run();
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public String toString() {
		return "CatchUpSubscription[" + this.thread.getName() + ", next position " + this.next + "]";
	}

}
