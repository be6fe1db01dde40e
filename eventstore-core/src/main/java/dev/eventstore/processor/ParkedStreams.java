package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.eventstore.StoredEvent;
import dev.eventstore.personal.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * A segment's parked events: those whose retries ran out under
 * {@link RetriesExhausted#PARK}, and the later events of their streams held behind them.
 * Each is written to the checkpoint store before the processor passes it (with the
 * checkpoint, in one transaction, when the processor has transactions), so a crash never
 * loses one; loaded when the segment is taken over. An operator's retry or discard of a
 * stream's first parked event lets the events held behind it follow, in order. Changed on
 * the segment's thread only; read by anyone.
 */
final class ParkedStreams {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	/** Held events unparked in one write when a retry lets them follow. */
	private static final int UNPARKED_AT_ONCE = 1_000;

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final CheckpointScheduler checkpoints;

	private final NavigableMap<Long, ParkedEvent> byPosition = new ConcurrentSkipListMap<>();

	/** Each held stream's parked positions, in order; the thread's own. */
	private final Map<String, TreeSet<Long>> byStream = new HashMap<>();

	ParkedStreams(ProcessorConfiguration config, ProcessorProgress progress, CheckpointScheduler checkpoints) {
		this.config = config;
		this.progress = progress;
		this.checkpoints = checkpoints;
	}

	/** Reads the segment's parked events, when it is taken over. */
	void load() {
		this.byPosition.clear();
		this.byStream.clear();
		if (!this.config.checkpoints().keepsParkedEvents()) {
			return;
		}
		for (ParkedEvent event : this.config.checkpoints().parked(this.config.key())) {
			remember(event);
		}
	}

	int count() {
		return this.byPosition.size();
	}

	List<ParkedEvent> list() {
		return List.copyOf(this.byPosition.values());
	}

	/** Whether the event was parked before (and is delivered again after a restart). */
	boolean isParked(long position) {
		return this.byPosition.containsKey(position);
	}

	/** Whether the stream has a parked event, behind which its later ones wait. */
	boolean holds(String streamId) {
		return this.byStream.containsKey(streamId);
	}

	/** Parks an event whose retries ran out, and passes it. */
	void parkFailed(StoredEvent event, int attempts, String error, Throwable shown) {
		park(event, new ParkedEvent(event.position(), event.streamId(), event.type(), attempts, error, Instant.now()));
		logger.log(Level.WARNING,
				"Processor " + this.config.label() + " parked position " + event.position() + " (stream '"
						+ event.streamId() + "', type '" + event.type() + "') after " + attempts + " attempts: " + error
						+ ". Later events of the stream wait behind it; an operator retries or discards it",
				shown);
	}

	/** Parks an event behind its stream's parked ones, and passes it. */
	void hold(StoredEvent event) {
		long first = this.byStream.get(event.streamId()).first();
		park(event, new ParkedEvent(event.position(), event.streamId(), event.type(), 0,
				"held behind position " + first, Instant.now()));
	}

	private void park(StoredEvent event, ParkedEvent parked) {
		HandlerTransactions transactions = this.config.transactions();
		if (transactions != null) {
			Checkpoint next = new Checkpoint(event.position(), this.checkpoints.replayUntil());
			Checkpoint expected = this.checkpoints.saved();
			transactions.inTransaction(() -> {
				this.config.checkpoints().park(this.config.key(), parked);
				this.config.checkpoints().save(this.config.key(), expected, next);
			});
			this.checkpoints.saved(next);
		}
		else {
			this.config.checkpoints().parkPassed(this.config.key(), parked);
			this.checkpoints.handledOne();
		}
		remember(parked);
		this.progress.handled = event.position();
		this.config.observer().parked(this.config.name(), parked);
	}

	private void remember(ParkedEvent event) {
		this.byPosition.put(event.position(), event);
		this.byStream.computeIfAbsent(event.streamId(), (stream) -> new TreeSet<>()).add(event.position());
	}

	private void forget(ParkedEvent event) {
		this.byPosition.remove(event.position());
		TreeSet<Long> stream = this.byStream.get(event.streamId());
		if (stream != null) {
			stream.remove(event.position());
			if (stream.isEmpty()) {
				this.byStream.remove(event.streamId());
			}
		}
	}

	/**
	 * On the segment's thread: hands a stream's first parked event to the handler once
	 * more; when it succeeds, the events held behind it follow, in order, until one fails
	 * (it is then the stream's first parked event).
	 * @throws NoSuchElementException if no event is parked at the position
	 * @throws IllegalStateException if it waits behind another, or fails again
	 */
	void retry(long position) {
		ParkedEvent parked = first(position, "retry");
		String failure = handle(parked);
		if (failure != null) {
			throw new IllegalStateException("Position " + position + " of processor " + this.config.label()
					+ " failed again and stays parked: " + failure);
		}
		logger.log(Level.INFO, "Processor " + this.config.label() + " handled parked position " + position
				+ " on an operator's retry");
		release(parked.streamId());
	}

	/**
	 * On the segment's thread: drops a stream's first parked event for good (logged and
	 * observed, never silent); the events held behind it follow, in order.
	 * @throws NoSuchElementException if no event is parked at the position
	 * @throws IllegalStateException if it waits behind another
	 */
	void discard(long position) {
		ParkedEvent parked = first(position, "discard");
		this.config.checkpoints().unpark(this.config.key(), position);
		forget(parked);
		logger.log(Level.WARNING,
				"Processor " + this.config.label() + " DISCARDED parked position " + position + " (stream '"
						+ parked.streamId() + "', type '" + parked.type() + "', " + parked.attempts()
						+ " attempts, last error: " + parked.error() + ") on an operator's command; it is not handled");
		this.config.observer().discarded(this.config.name(), parked);
		release(parked.streamId());
	}

	/** Forgets the events a reset delivers again: unparked in one write. */
	void dropFrom(long fromPosition) {
		unparkAll(new ArrayList<>(this.byPosition.tailMap(fromPosition, true).values()));
	}

	/** Unparks events in one write, and forgets them. */
	private void unparkAll(List<ParkedEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		List<Long> positions = new ArrayList<>(events.size());
		for (ParkedEvent event : events) {
			positions.add(event.position());
		}
		this.config.checkpoints().unparkAll(this.config.key(), positions);
		for (ParkedEvent event : events) {
			forget(event);
		}
	}

	private ParkedEvent first(long position, String action) {
		ParkedEvent parked = this.byPosition.get(position);
		if (parked == null) {
			throw new NoSuchElementException("No event is parked at position " + position + " in processor "
					+ this.config.label() + "; the parked positions are " + this.byPosition.keySet());
		}
		long first = this.byStream.get(parked.streamId()).first();
		if (first != position) {
			throw new IllegalStateException(
					"Position " + position + " of processor " + this.config.label() + " waits behind position " + first
							+ " of stream '" + parked.streamId() + "'; " + action + " that one");
		}
		return parked;
	}

	/**
	 * Lets the events held behind a stream's first parked event follow it, in order.
	 * Without transactions they are completed a thousand at a time (a pipelined handler
	 * flushed once, then unparked in one write) rather than one by one: a crash in
	 * between has some handled again on the next retry (at-least-once, as everywhere).
	 */
	private void release(String streamId) {
		TreeSet<Long> stream = this.byStream.get(streamId);
		if (stream == null) {
			return;
		}
		if (this.config.transactions() != null) {
			while (stream != null && !stream.isEmpty()) {
				if (handle(this.byPosition.get(stream.first())) != null) {
					return;
				}
				stream = this.byStream.get(streamId);
			}
			return;
		}
		List<ParkedEvent> handled = new ArrayList<>();
		try {
			for (Long position : new ArrayList<>(stream)) {
				ParkedEvent next = this.byPosition.get(position);
				if (handleHeld(next) != null) {
					return;
				}
				handled.add(next);
				if (handled.size() == UNPARKED_AT_ONCE && !complete(handled)) {
					return;
				}
			}
		}
		finally {
			complete(handled);
		}
	}

	/**
	 * Completes held events that were handled: a pipelined handler's work flushed (once
	 * for them all), then unparked in one write and forgotten. When the flush fails none
	 * is unparked (some may be done: delivered again on the next retry) and the first
	 * records the failure.
	 * @return whether they were unparked
	 */
	private boolean complete(List<ParkedEvent> handled) {
		if (handled.isEmpty()) {
			return true;
		}
		if (this.config.handler() instanceof PipelinedEventHandler pipelined) {
			try {
				pipelined.flush();
			}
			catch (Throwable ex) {
				ParkedEvent first = handled.get(0);
				handled.clear();
				failed(first, read(first), ex);
				return false;
			}
		}
		unparkAll(handled);
		handled.clear();
		return true;
	}

	/**
	 * One attempt at a parked event: when it succeeds it is unparked (with the handler's
	 * effects, when the processor has transactions); when it fails its record says so.
	 * @return null on success, the error otherwise
	 */
	private @Nullable String handle(ParkedEvent parked) {
		return handle(parked, true);
	}

	/**
	 * One attempt at an event held behind one that was retried: on success it stays
	 * parked, for {@link #unpark(List)} to unpark with the others.
	 */
	private @Nullable String handleHeld(ParkedEvent parked) {
		return handle(parked, false);
	}

	private @Nullable String handle(ParkedEvent parked, boolean unpark) {
		StoredEvent event = read(parked);
		Delivery delivery = new Delivery(event.position() <= this.checkpoints.replayUntil(), parked.attempts() + 1,
				this.config.segment(), this.config.segments());
		long start = System.nanoTime();
		try {
			HandlerTransactions transactions = this.config.transactions();
			if (transactions != null) {
				transactions.inTransaction(() -> {
					HandlerFailed.handle(this.config.handler(), event, delivery);
					this.config.checkpoints().unpark(this.config.key(), parked.position());
				});
			}
			else {
				this.config.handler().handle(event, delivery);
				// Held events that follow a retry are flushed together (complete).
				if (unpark && this.config.handler() instanceof PipelinedEventHandler pipelined) {
					pipelined.flush();
				}
				if (unpark) {
					this.config.checkpoints().unpark(this.config.key(), parked.position());
				}
			}
		}
		catch (Throwable ex) {
			return failed(parked, event, ex);
		}
		if (unpark) {
			forget(parked);
		}
		this.config.observer().handled(this.config.name(), event, System.nanoTime() - start);
		return null;
	}

	private StoredEvent read(ParkedEvent parked) {
		List<StoredEvent> read = this.config.store().readAll(parked.position(), 1);
		if (read.isEmpty() || read.get(0).position() != parked.position()) {
			throw new IllegalStateException("Position " + parked.position() + " of processor " + this.config.label()
					+ " is parked but no longer in the log");
		}
		return read.get(0);
	}

	/** Records a parked event's failed attempt: it stays parked, one attempt more. */
	private String failed(ParkedEvent parked, StoredEvent event, Throwable ex) {
		Throwable thrown = (ex instanceof HandlerFailed wrapped) ? wrapped.getCause() : ex;
		if (thrown instanceof VirtualMachineError fatal) {
			throw fatal;
		}
		if (thrown instanceof InterruptedException) {
			Thread.currentThread().interrupt();
		}
		Redaction redaction = event.redaction();
		String error = ProcessorFailure.describe(thrown, redaction);
		this.config.observer().handlerFailed(this.config.name(), event, parked.attempts() + 1, thrown);
		ParkedEvent failed = new ParkedEvent(parked.position(), parked.streamId(), parked.type(), parked.attempts() + 1,
				error, Instant.now());
		this.config.checkpoints().park(this.config.key(), failed);
		remember(failed);
		this.progress.lastError = error;
		return error;
	}

}
