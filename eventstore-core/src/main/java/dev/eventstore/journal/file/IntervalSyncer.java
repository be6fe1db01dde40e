package dev.eventstore.journal.file;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The background fsync of {@link dev.eventstore.FsyncPolicy#INTERVAL}: every interval, if
 * bytes were written since the last successful force, forces them. A failed force is
 * tried again at the next interval. {@link #wake()} forces at once, for a segmented
 * journal that is about to seal its last segment.
 */
final class IntervalSyncer implements AutoCloseable {

	private final Object monitor = new Object();

	private final Thread thread;

	private volatile boolean stopped;

	/**
	 * Starts syncing.
	 * @param name the journal's file name, for the thread's name
	 * @param interval how often
	 * @param written the byte offset written so far
	 * @param force forces the file, true when it succeeded
	 */
	IntervalSyncer(String name, Duration interval, LongSupplier written, BooleanSupplier force) {
		long millis = Math.max(1, interval.toMillis());
		this.thread = new Thread(() -> {
			long synced = -1;
			while (!this.stopped) {
				synchronized (this.monitor) {
					try {
						this.monitor.wait(millis);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				long offset = written.getAsLong();
				if (!this.stopped && offset != synced && force.getAsBoolean()) {
					synced = offset;
				}
			}
		}, "eventstore-fsync-" + name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** Forces now instead of at the end of the interval. */
	void wake() {
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
	}

	/** Stops the thread and waits for it (at most 10 seconds). */
	@Override
	public void close() {
		this.stopped = true;
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
