package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * A processor's thread: takes and keeps the ownership (trying again while another
 * instance holds it, confirming it every so often while it runs), reads the log a page at
 * a time after the handled position, delivers each event, runs operators' commands
 * between events, and at the end saves the checkpoint and gives up the ownership. Runs on
 * the processor's thread only.
 */
final class ProcessorWorker implements Runnable {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final CheckpointScheduler checkpoints;

	private final EventDelivery delivery;

	private final OperatorCommands commands;

	private final ParkedStreams parking;

	private final SegmentBalance balance;

	private long lastHeartbeatNanos;

	ProcessorWorker(ProcessorConfiguration config, ProcessorProgress progress, CheckpointScheduler checkpoints,
			OperatorCommands commands, ParkedStreams parking, SegmentBalance balance) {
		this.config = config;
		this.progress = progress;
		this.checkpoints = checkpoints;
		this.parking = parking;
		this.balance = balance;
		this.delivery = new EventDelivery(config, progress, checkpoints, parking);
		this.commands = commands;
	}

	@Override
	public void run() {
		ProcessorProgress progress = this.progress;
		long ownershipCheck = this.config.ownershipCheckNanos();
		while (!progress.closed) {
			long seen = progress.wakes();
			try {
				if (!progress.owned && !acquire()) {
					progress.idle(seen, ownershipCheck);
					continue;
				}
				if (System.nanoTime() - this.lastHeartbeatNanos >= ownershipCheck) {
					if (!this.config.ownership().isHeld(this.config.key())) {
						lose("its ownership was lost", null);
						continue;
					}
					if (this.balance.shouldHandOver(this.config.segment())) {
						handOver();
						progress.idle(seen, ownershipCheck);
						continue;
					}
					this.lastHeartbeatNanos = System.nanoTime();
				}
				this.commands.run();
				if (progress.paused || progress.failure != null) {
					this.checkpoints.saveIfBehind();
					progress.idle(seen, ownershipCheck);
					continue;
				}
				List<StoredEvent> page = this.config.store().readAll(progress.handled + 1, this.config.pageSize());
				progress.caughtUp = page.size() < this.config.pageSize();
				for (StoredEvent event : page) {
					if (progress.closed || progress.paused || this.commands.waiting()) {
						break;
					}
					if (!this.config.owns(event) || this.parking.isParked(event.position())) {
						// Another segment's, or parked before a restart: passed.
						progress.handled = event.position();
						this.checkpoints.handledOne();
					}
					else if (this.parking.holds(event.streamId())) {
						this.parking.hold(event);
					}
					else if (!this.delivery.deliver(event)) {
						break;
					}
					if (!this.checkpoints.saveIfDue()) {
						break;
					}
				}
				this.checkpoints.rethrowFailedSave();
				this.checkpoints.saveIfDue();
				if (page.isEmpty()) {
					progress.idle(seen, this.checkpoints.nextIdleNanos());
				}
			}
			catch (CheckpointConflictException ex) {
				lose("another instance moved its checkpoint", ex);
			}
			catch (CheckpointException ex) {
				progress.fail(progress.checkpointFailure(ex.getMessage()));
			}
			catch (RuntimeException ex) {
				if (progress.closed) {
					break;
				}
				progress.lastError = ProcessorFailure.describe(ex);
				logger.log(Level.WARNING, "Processor " + this.config.label() + " cannot go on at position "
						+ (progress.handled + 1) + "; trying again", ex);
				progress.sleep(TimeUnit.MILLISECONDS.toNanos(500));
			}
		}
		stop();
	}

	private void stop() {
		try {
			if (this.progress.owned) {
				try {
					this.checkpoints.saveIfBehind();
				}
				catch (RuntimeException ex) {
					logger.log(Level.WARNING,
							"Processor " + this.config.label() + " could not save its checkpoint at "
									+ this.progress.handled + " when stopping; it resumes after the last saved one",
							ex);
				}
				this.progress.owned = false;
				this.balance.gaveUp(this.config.segment());
				this.config.ownership().release(this.config.key());
			}
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Processor " + this.config.label() + " could not give up its ownership", ex);
		}
		finally {
			this.checkpoints.shutdown();
			this.commands.failAll("it stopped");
		}
	}

	private boolean acquire() {
		this.commands.failAll("it runs on another instance");
		String key = this.config.key();
		if (!this.balance.mayTake() || !this.config.ownership().tryAcquire(key)) {
			try {
				this.config.checkpoints().load(key).ifPresent((c) -> this.progress.handled = c.position());
				this.progress.owner = this.config.ownership().ownerOf(key);
			}
			catch (RuntimeException ex) {
				// Shown by the owner; this instance only reports.
			}
			return false;
		}
		this.lastHeartbeatNanos = System.nanoTime();
		this.progress.failure = null;
		this.progress.caughtUp = false;
		// A pause belongs to the ownership it was given in (one that raced the loss of
		// ownership must not stop the next).
		this.progress.paused = false;
		try {
			this.checkpoints.load();
			this.parking.load();
		}
		catch (CheckpointException ex) {
			this.progress.fail(this.progress.checkpointFailure(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			this.config.ownership().release(key);
			throw ex;
		}
		this.progress.owned = true;
		this.progress.owner = this.config.ownership().instance();
		this.balance.took(this.config.segment());
		logger.log(Level.INFO,
				"Processor " + this.config.label() + " runs here, after position " + this.progress.handled
						+ ((this.parking.count() > 0) ? ", with " + this.parking.count() + " parked events" : ""));
		return true;
	}

	/**
	 * Gives the segment to another instance, this one running more than its share: saves
	 * the checkpoint, then releases the ownership.
	 */
	private void handOver() {
		try {
			this.checkpoints.saveIfBehind();
		}
		catch (RuntimeException ex) {
			// The next owner resumes after the last saved checkpoint.
		}
		logger.log(Level.INFO, "Processor " + this.config.label() + " hands its segment over at position "
				+ this.progress.handled + ": this instance runs more than its share");
		this.progress.owned = false;
		this.progress.owner = null;
		this.balance.gaveUp(this.config.segment());
		this.commands.failAll("it handed its segment over to another instance");
		try {
			this.config.ownership().release(this.config.key());
		}
		catch (RuntimeException ex) {
			// Released with the connection anyway.
		}
	}

	private void lose(String why, @Nullable Exception cause) {
		logger.log(Level.WARNING,
				"Processor " + this.config.label() + " stops here: " + why + "; another instance may run it now",
				cause);
		this.progress.lastError = "Ownership lost: " + why;
		this.progress.owned = false;
		this.progress.owner = null;
		this.balance.gaveUp(this.config.segment());
		this.checkpoints.dropPending();
		try {
			this.config.ownership().release(this.config.key());
		}
		catch (RuntimeException ex) {
			// Lost anyway.
		}
		this.commands.failAll("it lost its ownership");
	}

}
