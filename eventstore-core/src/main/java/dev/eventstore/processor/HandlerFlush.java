package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.eventstore.StoredEvent;
import dev.eventstore.personal.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * Before a checkpoint save, has a {@link PipelinedEventHandler} complete the work of the
 * events handled since the last saved checkpoint. When it cannot, the processor goes back
 * to that checkpoint to deliver those events again, after the wait its
 * {@link RetryPolicy} gives, and fails at the first of them when the tries are used up.
 * Does nothing for other handlers. Runs on the processor's thread.
 */
final class HandlerFlush {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	/** Handled events held before their personal values are asked for. */
	private static final int IN_FLIGHT_HELD = 4_096;

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final @Nullable PipelinedEventHandler pipelined;

	private int failures;

	/**
	 * The events handled since the last completed flush, for the personal values a failed
	 * flush's exception may quote; folded into {@link #revealed} every few thousand, so
	 * as not to hold them all.
	 */
	private final List<StoredEvent> inFlight = new ArrayList<>();

	private Redaction revealed = Redaction.none();

	HandlerFlush(ProcessorConfiguration config, ProcessorProgress progress) {
		this.config = config;
		this.progress = progress;
		this.pipelined = (config.handler() instanceof PipelinedEventHandler handler) ? handler : null;
	}

	/** Notes an event handed to a pipelined handler, whose work completes at a flush. */
	void handled(StoredEvent event) {
		if (this.pipelined == null) {
			return;
		}
		this.inFlight.add(event);
		if (this.inFlight.size() >= IN_FLIGHT_HELD) {
			foldInFlight();
		}
	}

	private void foldInFlight() {
		List<Redaction> all = new ArrayList<>();
		all.add(this.revealed);
		for (StoredEvent event : this.inFlight) {
			all.add(event.redaction());
		}
		this.inFlight.clear();
		this.revealed = Redaction.allOf(all);
	}

	/** What to withhold from a failed flush's exception: the events' personal values. */
	private Redaction inFlightRedaction() {
		foldInFlight();
		Redaction redaction = this.revealed;
		this.revealed = Redaction.none();
		return redaction;
	}

	/**
	 * Completes the handled events' work; false when it failed and the processor went
	 * back to {@code saved}, so nothing may be saved now.
	 */
	boolean complete(@Nullable Checkpoint saved) {
		PipelinedEventHandler handler = this.pipelined;
		if (handler == null) {
			return true;
		}
		try {
			handler.flush();
			this.failures = 0;
			this.inFlight.clear();
			this.revealed = Redaction.none();
			return true;
		}
		catch (Throwable ex) {
			if (ex instanceof VirtualMachineError fatal) {
				throw fatal;
			}
			if (ex instanceof InterruptedException && this.progress.closed) {
				// A stop interrupted the wait: it goes on, interrupted. (Otherwise the
				// flag stays cleared, so that the wait before the retry is a wait.)
				Thread.currentThread().interrupt();
			}
			goBack(saved, ex);
			return false;
		}
	}

	private void goBack(@Nullable Checkpoint saved, Throwable thrown) {
		long back = (saved != null) ? saved.position() : this.progress.handled;
		this.progress.handled = back;
		this.failures++;
		// What it says of the events' personal values stays out of logs and stores.
		Redaction redaction = inFlightRedaction();
		Throwable failure = redaction.apply(thrown);
		String error = ProcessorFailure.describe(thrown, redaction);
		this.progress.lastError = error;
		if (this.progress.closed) {
			return;
		}
		StoredEvent first = firstAfter(back);
		if (first != null) {
			this.config.observer().handlerFailed(this.config.name(), first, this.failures, thrown);
		}
		RetryPolicy retry = this.config.retry();
		// A processor that already failed at a later event must not be skipped past the
		// events whose work this flush could not complete: it fails here instead.
		if (this.failures >= retry.maxAttempts() || this.progress.failure != null) {
			int attempts = this.failures;
			this.failures = 0;
			this.progress.fail(new ProcessorFailure(back + 1, (first != null) ? first.streamId() : "",
					(first != null) ? first.type() : "", error, attempts, Instant.now()), failure);
			return;
		}
		Duration delay = retry.delayAfter(this.failures);
		logger.log(Level.WARNING,
				"Processor " + this.config.label() + " could not complete the work of the events after position " + back
						+ " (try " + this.failures + " of " + retry.maxAttempts() + "); delivering them again in "
						+ delay,
				failure);
		this.progress.sleep(delay.toNanos());
	}

	private @Nullable StoredEvent firstAfter(long position) {
		try {
			List<StoredEvent> first = this.config.store().readAll(position + 1, 1);
			return first.isEmpty() ? null : first.get(0);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
