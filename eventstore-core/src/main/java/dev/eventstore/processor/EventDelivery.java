package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.eventstore.StoredEvent;
import dev.eventstore.personal.Redaction;

/**
 * Hands one event to a processor's handler: in a transaction with its checkpoint when the
 * processor has transactions, retried by the {@link RetryPolicy} with its backoff when
 * the handler throws, and failing the processor at the event (or parking it) when the
 * attempts are used up. Runs on the processor's thread.
 */
final class EventDelivery {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final CheckpointScheduler checkpoints;

	private final ParkedStreams parking;

	/** Most events' delivery, made once: a first attempt, or a replay's. */
	private final Delivery first;

	private final Delivery firstReplay;

	EventDelivery(ProcessorConfiguration config, ProcessorProgress progress, CheckpointScheduler checkpoints,
			ParkedStreams parking) {
		this.config = config;
		this.progress = progress;
		this.checkpoints = checkpoints;
		this.parking = parking;
		this.first = new Delivery(false, 1, config.segment(), config.segments());
		this.firstReplay = new Delivery(true, 1, config.segment(), config.segments());
	}

	/**
	 * Delivers one event, with retries; when they run out, parks it under
	 * {@link RetriesExhausted#PARK}. False when the processor stops at it.
	 */
	boolean deliver(StoredEvent event) {
		boolean replay = event.position() <= this.checkpoints.replayUntil();
		RetryPolicy retry = this.config.retry();
		for (int attempt = 1;; attempt++) {
			Delivery delivery = (attempt == 1) ? (replay ? this.firstReplay : this.first)
					: new Delivery(replay, attempt, this.config.segment(), this.config.segments());
			// Unobserved, a replay does not pay for reading the clock twice an event.
			long start = this.config.observed() ? System.nanoTime() : 0;
			try {
				if (this.config.transactional()) {
					handleInTransaction(event, delivery);
				}
				else {
					this.config.handler().handle(event, delivery);
					this.checkpoints.handledOne(event);
				}
				this.progress.handled = event.position();
				if (this.config.observed()) {
					this.config.observer().handled(this.config.name(), event, System.nanoTime() - start);
				}
				return true;
			}
			catch (CheckpointException ex) {
				throw ex;
			}
			catch (Throwable ex) {
				Throwable thrown = (ex instanceof HandlerFailed wrapped) ? wrapped.getCause() : ex;
				if (thrown instanceof VirtualMachineError fatal) {
					throw fatal;
				}
				if (this.progress.closed && Thread.currentThread().isInterrupted()) {
					return false;
				}
				// Observers get the failure as thrown (its class tags metrics); what it
				// says of the event's personal values stays out of logs and stores.
				this.config.observer().handlerFailed(this.config.name(), event, attempt, thrown);
				Redaction redaction = event.redaction();
				Throwable shown = redaction.apply(thrown);
				String error = ProcessorFailure.describe(thrown, redaction);
				this.progress.lastError = error;
				if (attempt >= retry.maxAttempts()) {
					if (this.config.exhausted() == RetriesExhausted.PARK) {
						this.parking.parkFailed(event, attempt, error, shown);
						return true;
					}
					this.progress.fail(new ProcessorFailure(event.position(), event.streamId(), event.type(), error,
							attempt, Instant.now()), shown);
					this.checkpoints.saveIfBehind();
					return false;
				}
				Duration delay = retry.delayAfter(attempt);
				logger.log(
						Level.WARNING, "Processor " + this.config.label() + " failed on position " + event.position()
								+ " (attempt " + attempt + " of " + retry.maxAttempts() + "); retrying in " + delay,
						shown);
				this.progress.sleep(delay.toNanos());
				if (this.progress.closed) {
					return false;
				}
			}
		}
	}

	private void handleInTransaction(StoredEvent event, Delivery delivery) {
		Checkpoint next = new Checkpoint(event.position(), this.checkpoints.replayUntil());
		Checkpoint expected = this.checkpoints.saved();
		Objects.requireNonNull(this.config.transactions()).inTransaction(() -> {
			HandlerFailed.handle(this.config.handler(), event, delivery);
			this.config.checkpoints().save(this.config.key(), expected, next);
		});
		this.checkpoints.saved(next);
	}

}
