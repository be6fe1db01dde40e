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

	private long lastHeartbeatNanos;

	ProcessorWorker(ProcessorConfiguration config, ProcessorProgress progress, CheckpointScheduler checkpoints,
			OperatorCommands commands) {
		this.config = config;
		this.progress = progress;
		this.checkpoints = checkpoints;
		this.delivery = new EventDelivery(config, progress, checkpoints);
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
					if (!this.config.ownership().isHeld(this.config.name())) {
						lose("its ownership was lost", null);
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
					if (progress.closed || progress.paused || this.commands.waiting() || !this.delivery.deliver(event)
							|| !this.checkpoints.saveIfDue()) {
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
				logger.log(Level.WARNING, "Processor '" + this.config.name() + "' cannot go on at position "
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
							"Processor '" + this.config.name() + "' could not save its checkpoint at "
									+ this.progress.handled + " when stopping; it resumes after the last saved one",
							ex);
				}
				this.progress.owned = false;
				this.config.ownership().release(this.config.name());
			}
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Processor '" + this.config.name() + "' could not give up its ownership", ex);
		}
		finally {
			this.checkpoints.shutdown();
			this.commands.failAll("it stopped");
		}
	}

	private boolean acquire() {
		this.commands.failAll("it runs on another instance");
		String name = this.config.name();
		if (!this.config.ownership().tryAcquire(name)) {
			try {
				this.config.checkpoints().load(name).ifPresent((c) -> this.progress.handled = c.position());
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
		}
		catch (CheckpointException ex) {
			this.progress.fail(this.progress.checkpointFailure(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			this.config.ownership().release(name);
			throw ex;
		}
		this.progress.owned = true;
		logger.log(Level.INFO, "Processor '" + name + "' runs here, after position " + this.progress.handled);
		return true;
	}

	private void lose(String why, @Nullable Exception cause) {
		logger.log(Level.WARNING,
				"Processor '" + this.config.name() + "' stops here: " + why + "; another instance may run it now",
				cause);
		this.progress.lastError = "Ownership lost: " + why;
		this.progress.owned = false;
		this.checkpoints.dropPending();
		try {
			this.config.ownership().release(this.config.name());
		}
		catch (RuntimeException ex) {
			// Lost anyway.
		}
		this.commands.failAll("it lost its ownership");
	}

}
