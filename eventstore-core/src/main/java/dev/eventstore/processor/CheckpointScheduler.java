package dev.eventstore.processor;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * When and how a processor's checkpoint is saved: every so many events or milliseconds,
 * off the processor's thread, so that handling never waits for a checkpoint's fsyncs; a
 * request made while a save runs replaces any request still waiting, so saves never queue
 * up behind a fast replay. With transactions, each event's checkpoint is saved in its
 * transaction instead and nothing is scheduled. Also loads the checkpoint when the
 * processor takes over. Used by the processor's thread; saves run on a thread of its own.
 */
final class CheckpointScheduler {

	private static final long MIN_SAVE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final ExecutorService writer;

	private final HandlerFlush flush;

	private final AtomicReference<@Nullable Checkpoint> pendingSave = new AtomicReference<>();

	/** The checkpoint last loaded or saved; null when none is stored or it is damaged. */
	private volatile @Nullable Checkpoint saved;

	private volatile @Nullable RuntimeException saveFailure;

	// Fields below are the processor thread's own.

	private long replayUntil;

	private int sinceSave;

	private long lastSaveNanos;

	CheckpointScheduler(ProcessorConfiguration config, ProcessorProgress progress) {
		this.config = config;
		this.progress = progress;
		this.flush = new HandlerFlush(config, progress);
		this.writer = Executors.newSingleThreadExecutor((task) -> {
			Thread saver = new Thread(task, "eventstore-checkpoint-" + config.key());
			saver.setDaemon(true);
			return saver;
		});
	}

	/** The checkpoint last loaded or saved, the one the next save expects to replace. */
	@Nullable Checkpoint saved() {
		return this.saved;
	}

	/** The last position a reset made a replay of. */
	long replayUntil() {
		return this.replayUntil;
	}

	/** Counts an event passed outside a transaction towards the next save. */
	void handledOne() {
		this.sinceSave++;
	}

	/**
	 * Counts an event handled outside a transaction towards the next save; a pipelined
	 * handler's work on it completes at the next flush.
	 */
	void handledOne(StoredEvent event) {
		this.sinceSave++;
		this.flush.handled(event);
	}

	/**
	 * Reads the stored checkpoint (or saves the start point's, on a first run) as the
	 * processor's position.
	 * @throws CheckpointException if it is damaged or past the end of the log
	 */
	void load() {
		try {
			awaitSaves();
		}
		catch (RuntimeException ex) {
			// A save of an earlier ownership; the stored checkpoint is read next.
		}
		this.saved = null;
		Optional<Checkpoint> stored = this.config.checkpoints().load(this.config.key());
		if (stored.isEmpty()) {
			long start = (this.config.startFrom() == StartPoint.BEGINNING) ? 0 : this.config.store().lastPosition();
			Checkpoint first = new Checkpoint(start, 0);
			if (this.config.segments() > 1) {
				// A processor split into segments after it ran as one goes on from where
				// it was: every segment starts at its single checkpoint.
				Optional<Checkpoint> whole = this.config.checkpoints().load(this.config.name());
				if (whole.isPresent()) {
					first = whole.get();
				}
			}
			this.config.checkpoints().save(this.config.key(), null, first);
			saved(first);
			return;
		}
		Checkpoint checkpoint = stored.get();
		saved(checkpoint);
		long last = this.config.store().lastPosition();
		if (checkpoint.position() > last) {
			throw new CheckpointException("The checkpoint of processor '" + this.config.name() + "' is position "
					+ checkpoint.position() + ", past the log's last position " + last
					+ " (was the journal replaced?). Nothing was delivered; reset the processor to choose where it resumes");
		}
	}

	/** Takes a checkpoint just loaded or saved on the processor's thread as its own. */
	void saved(Checkpoint checkpoint) {
		this.saved = checkpoint;
		this.progress.handled = checkpoint.position();
		this.replayUntil = checkpoint.replayUntil();
		this.sinceSave = 0;
		this.lastSaveNanos = System.nanoTime();
	}

	/**
	 * Asks for a save when enough events or time have passed since the last one, once a
	 * pipelined handler completed their work.
	 * @return false when it could not, and the processor went back to its last saved
	 * checkpoint: the events of the current page must not be delivered
	 */
	boolean saveIfDue() {
		if (this.sinceSave >= this.config.checkpointEvery() || (this.sinceSave > 0
				&& System.nanoTime() - this.lastSaveNanos >= this.config.checkpointIntervalNanos())) {
			if (this.config.transactional()) {
				savePassed();
				return true;
			}
			this.sinceSave = 0;
			this.lastSaveNanos = System.nanoTime();
			if (!this.flush.complete(this.saved)) {
				return false;
			}
			if (this.pendingSave.getAndSet(new Checkpoint(this.progress.handled, this.replayUntil)) == null) {
				this.writer.execute(this::writePending);
			}
		}
		return true;
	}

	/** On the writer's thread: saves the latest checkpoint asked for. */
	private void writePending() {
		Checkpoint next = this.pendingSave.getAndSet(null);
		Checkpoint expected = this.saved;
		if (next == null || next.equals(expected) || !this.progress.owned) {
			return;
		}
		try {
			this.config.checkpoints().save(this.config.key(), expected, next);
			this.saved = next;
		}
		catch (RuntimeException ex) {
			this.saveFailure = ex;
			this.progress.wake();
			return;
		}
		// A replay asks for a save every few hundred microseconds: a pause between saves
		// keeps their fsyncs from crowding the disk and the processor's CPU (requests
		// made meanwhile coalesce into one), at the cost of at most this much more work
		// redone after a crash.
		LockSupport.parkNanos(MIN_SAVE_GAP_NANOS);
	}

	/** Throws what the last save asked for failed with, once. */
	void rethrowFailedSave() {
		RuntimeException failedSave = this.saveFailure;
		if (failedSave != null) {
			this.saveFailure = null;
			throw failedSave;
		}
	}

	/** Waits until the saves asked for are done. */
	void awaitSaves() {
		try {
			this.writer.submit(() -> {
			}).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(
					"Interrupted while saving the checkpoint of processor '" + this.config.name() + "'", ex);
		}
		catch (ExecutionException | RejectedExecutionException ex) {
			throw new IllegalStateException(ex);
		}
		rethrowFailedSave();
	}

	/**
	 * Saves the handled position now, after any save asked for before, once a pipelined
	 * handler completed the work (else the processor goes back to the last saved one).
	 */
	void saveIfBehind() {
		if (this.config.transactional()) {
			savePassed();
			return;
		}
		awaitSaves();
		Checkpoint last = this.saved;
		long handled = this.progress.handled;
		if (last != null && last.position() != handled) {
			if (!this.flush.complete(last)) {
				return;
			}
			Checkpoint next = new Checkpoint(handled, this.replayUntil);
			this.config.checkpoints().save(this.config.key(), last, next);
			saved(next);
		}
	}

	/**
	 * With transactions: saves the position of the events passed (other segments' and
	 * parked ones) since the last event handled, whose transaction saved its checkpoint;
	 * on the processor's thread, so that the checkpoint another instance reads is not far
	 * behind. Nothing handled is in it: those saves were in the handler's transactions.
	 */
	private void savePassed() {
		this.sinceSave = 0;
		this.lastSaveNanos = System.nanoTime();
		Checkpoint last = this.saved;
		long handled = this.progress.handled;
		if (last == null || last.position() >= handled || !this.progress.owned) {
			return;
		}
		Checkpoint next = new Checkpoint(handled, this.replayUntil);
		Objects.requireNonNull(this.config.transactions())
			.inTransaction(() -> this.config.checkpoints().save(this.config.key(), last, next));
		saved(next);
	}

	/** Forgets a save asked for: the ownership it was asked under is gone. */
	void dropPending() {
		this.pendingSave.set(null);
	}

	/** How long the idle processor may wait before a save falls due. */
	long nextIdleNanos() {
		Checkpoint last = this.saved;
		if (last != null && last.position() != this.progress.handled) {
			long due = this.config.checkpointIntervalNanos() - (System.nanoTime() - this.lastSaveNanos);
			return Math.max(0, Math.min(due, this.config.ownershipCheckNanos()));
		}
		return this.config.ownershipCheckNanos();
	}

	/** Lets the saves asked for finish, and takes no more. */
	void shutdown() {
		this.writer.shutdown();
	}

}
