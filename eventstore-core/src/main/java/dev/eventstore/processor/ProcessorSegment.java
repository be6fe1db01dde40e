package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One segment of a processor with its roles: its thread ({@code ProcessorWorker}), its
 * checkpoint, its parked events, its command queue and the state they share. A processor
 * of one segment has one of these and behaves as processors did before segments.
 * Thread-safe.
 */
final class ProcessorSegment {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	final ProcessorConfiguration config;

	final ProcessorProgress progress;

	final OperatorCommands commands;

	final ParkedStreams parking;

	private final Thread thread;

	ProcessorSegment(ProcessorConfiguration config, SegmentBalance balance) {
		this.config = config;
		this.progress = new ProcessorProgress(config.label());
		CheckpointScheduler checkpoints = new CheckpointScheduler(config, this.progress);
		this.parking = new ParkedStreams(config, this.progress, checkpoints);
		this.commands = new OperatorCommands(config, this.progress, checkpoints, this.parking);
		this.thread = new Thread(
				new ProcessorWorker(config, this.progress, checkpoints, this.commands, this.parking, balance),
				"eventstore-processor-" + config.name() + ((config.segments() == 1) ? "" : "-" + config.segment()));
		this.thread.setDaemon(true);
		this.progress.runsOn(this.thread);
	}

	int index() {
		return this.config.segment();
	}

	void start(long lastPosition) {
		this.progress.started = true;
		this.progress.lastKnownPosition = lastPosition;
		this.thread.start();
	}

	/** The segment's state now, with the log's last position known. */
	ProcessorState state() {
		ProcessorProgress progress = this.progress;
		if (!progress.started || progress.closed) {
			return ProcessorState.STOPPED;
		}
		if (!progress.owned) {
			return ProcessorState.NOT_OWNER;
		}
		if (progress.failure != null) {
			return ProcessorState.FAILED;
		}
		if (progress.paused) {
			return ProcessorState.PAUSED;
		}
		return progress.caughtUp ? ProcessorState.RUNNING : ProcessorState.CATCHING_UP;
	}

	SegmentStatus status(long last) {
		long checkpoint = this.progress.handled;
		return new SegmentStatus(this.config.segment(), this.progress.owner, state(), checkpoint,
				Math.max(0, last - checkpoint), this.progress.owned ? this.parking.count() : 0);
	}

	/**
	 * The segment's parked events: from memory where it runs, from the checkpoint store
	 * elsewhere.
	 */
	List<ParkedEvent> parked() {
		if (this.progress.owned) {
			return this.parking.list();
		}
		return this.config.checkpoints().keepsParkedEvents() ? this.config.checkpoints().parked(this.config.key())
				: List.of();
	}

	/** Asks the thread to stop. */
	void signalClose() {
		this.progress.closed = true;
		this.progress.wake();
	}

	/**
	 * Waits until the thread stopped, interrupting the handler after the stop timeout.
	 */
	void awaitClosed() {
		if (!this.progress.started || Thread.currentThread() == this.thread) {
			return;
		}
		long stopTimeoutMillis = this.config.stopTimeoutMillis();
		try {
			this.thread.join(stopTimeoutMillis);
			if (this.thread.isAlive()) {
				logger.log(Level.WARNING, "Processor " + this.config.label() + " did not stop within "
						+ stopTimeoutMillis + " ms; interrupting its handler");
				this.thread.interrupt();
				this.thread.join(TimeUnit.SECONDS.toMillis(2));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
