package dev.eventstore.journal.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import dev.eventstore.FsyncPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The background fsync of {@link dev.eventstore.FsyncPolicy#INTERVAL}: every interval, if
 * bytes were written since the last successful force, forces them. A failed force is
 * tried again at the next interval. {@link #wake()} forces at once, for a segmented
 * journal that is about to seal its last segment.
 */
final class IntervalSyncer implements AutoCloseable {

	/**
	 * How often a segmented journal under NEVER forces its last segment in the
	 * background.
	 */
	private static final Duration NEVER_SEGMENT_SYNC = Duration.ofSeconds(1);

	/** A segmented journal's segment size, or 0: each eighth of it is forced at once. */
	private final long segmentSize;

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
	IntervalSyncer(String name, Duration interval, long segmentSize, LongSupplier written, BooleanSupplier force) {
		this.segmentSize = segmentSize;
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

	/**
	 * The syncer a journal needs, if any: every interval under INTERVAL; every second for
	 * a segmented journal under NEVER too, since sealing a segment forces it and would
	 * otherwise stall appends while up to a segment's worth of bytes reaches the disk.
	 * @return the syncer, or null for none
	 */
	static @Nullable IntervalSyncer forJournal(Path path, FsyncPolicy fsync, Duration interval, long segmentSize,
			LongSupplier written, BooleanSupplier force) {
		Duration every = (fsync == FsyncPolicy.INTERVAL) ? interval
				: (fsync == FsyncPolicy.NEVER && segmentSize > 0) ? NEVER_SEGMENT_SYNC : null;
		return (every != null) ? new IntervalSyncer(path.getFileName().toString(), every, segmentSize, written, force)
				: null;
	}

	/**
	 * After a group was written from {@code before} to {@code after}: a segmented journal
	 * forces each eighth of a segment in the background, so that sealing it forces little
	 * and stalls appends little.
	 */
	void written(long before, long after) {
		if (this.segmentSize > 0) {
			long step = Math.max(1 << 20, this.segmentSize / 8);
			if (before / step != after / step) {
				wake();
			}
		}
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
