package dev.eventstore.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * A named, durable consumer of the whole log. It delivers every event to its
 * {@link EventHandler} in position order, one at a time, on a thread of its own; records
 * the last handled position in a {@link CheckpointStore} every so many events or
 * milliseconds and at a clean stop; and resumes after the checkpoint when started again,
 * first catching up with stored events, then following new ones as they are appended,
 * with no gap and no duplicate between the two.
 *
 * <p>
 * Guarantees: delivery is at-least-once (events after the last saved checkpoint are
 * delivered again after a crash), and exactly-once in effect when a transactional
 * checkpoint store and {@link HandlerTransactions} commit each event's effects with its
 * checkpoint. A handler that throws is retried by the {@link RetryPolicy}; when the
 * retries are used up the processor stops at that event, {@link ProcessorState#FAILED},
 * with its checkpoint before it, until an operator resumes it (retrying the event), skips
 * exactly that event, or resets it; or, {@linkplain Builder#whenRetriesExhausted
 * parking}, it sets the event aside with the later events of its stream and goes on with
 * the others. A damaged checkpoint, or one past the end of the log, fails the processor
 * the same way: nothing is skipped on a guess. Where several instances share a store, the
 * processor runs only on the instance that holds its {@link ProcessorOwnership}.
 * Thread-safe.
 *
 * <p>
 * {@linkplain Builder#segments Segments} split the work by stream: each segment is a
 * processor of its own (thread, checkpoint, parked events, ownership) over the events of
 * its streams, so one stream's events keep their order while segments run in parallel,
 * here or on other instances.
 *
 * <p>
 * This class is the processor's face: its lifecycle, status and operators' commands. Its
 * roles are classes of their own: a segment ({@code ProcessorSegment}) with its thread's
 * loop ({@code ProcessorWorker}), delivery with retries ({@code EventDelivery}),
 * checkpoint saving ({@code CheckpointScheduler}), parked events ({@code ParkedStreams}),
 * the command queue ({@code OperatorCommands}) and the state they share
 * ({@code ProcessorProgress}); the segments taken together ({@code SegmentGroup}) and the
 * share of them an instance runs ({@code SegmentBalance}).
 *
 * @since 0.2.0
 */
public final class Processor implements AutoCloseable {

	private final ProcessorConfiguration config;

	private final String name;

	private final EventStore store;

	private final List<ProcessorSegment> segments;

	private final SegmentGroup group;

	private volatile boolean started;

	private volatile boolean closed;

	private @Nullable Subscription wakeUps;

	private Processor(ProcessorConfiguration config) {
		this.config = config;
		this.name = config.name();
		this.store = config.store();
		SegmentBalance balance = new SegmentBalance(config);
		List<ProcessorSegment> segments = new ArrayList<>();
		for (int i = 0; i < config.segments(); i++) {
			segments.add(new ProcessorSegment(config.forSegment(i), balance));
		}
		this.segments = List.copyOf(segments);
		this.group = new SegmentGroup(this.name, this.segments);
	}

	/**
	 * A builder for a processor.
	 * @param name the processor's unique name: letters, digits, '.', '-', '_'
	 * @param store the store whose log it processes
	 * @param handler what it calls for each event
	 * @return the builder
	 */
	public static Builder builder(String name, EventStore store, EventHandler handler) {
		return new Builder(ProcessorNames.require(name), Objects.requireNonNull(store, "store"),
				Objects.requireNonNull(handler, "handler"));
	}

	/** The processor's name. */
	public String name() {
		return this.name;
	}

	/** How many segments it has; 1 unless built with more. */
	public int segmentCount() {
		return this.segments.size();
	}

	/**
	 * Starts delivering, on one thread for each segment.
	 * @return this processor
	 * @throws IllegalStateException if it was started before
	 */
	public synchronized Processor start() {
		if (this.started || this.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' was started before");
		}
		this.started = true;
		long last = this.store.lastPosition();
		this.wakeUps = this.store.subscribe((event) -> {
			for (ProcessorSegment segment : this.segments) {
				ProcessorProgress progress = segment.progress;
				if (event.position() > progress.lastKnownPosition) {
					progress.lastKnownPosition = event.position();
				}
				progress.wake();
			}
		});
		this.config.ownership().join(this.name);
		for (ProcessorSegment segment : this.segments) {
			segment.start(last);
		}
		return this;
	}

	/** The processor's state now, with each segment's. */
	public ProcessorStatus status() {
		long last = 0;
		for (ProcessorSegment segment : this.segments) {
			last = Math.max(last, segment.progress.lastKnownPosition);
		}
		if (!this.started || this.closed) {
			try {
				last = this.store.lastPosition();
				for (ProcessorSegment segment : this.segments) {
					segment.progress.lastKnownPosition = last;
				}
			}
			catch (RuntimeException ex) {
				// The store is closed or its database is away: report the last position
				// known.
			}
		}
		// A running processor hears of every appended position through its wake-up
		// subscription: its status costs no journal call, so gauges read it at any rate.
		return this.group.status(last);
	}

	/**
	 * Pauses delivery after the events being handled, in the segments this instance runs;
	 * the processor keeps its ownerships. A pause lasts while this instance owns them.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void pause() {
		for (ProcessorSegment segment : ownedSegments()) {
			segment.progress.paused = true;
			segment.progress.wake();
		}
	}

	/**
	 * Resumes a paused processor, or a failed one: it retries the event it stopped at, or
	 * reads its checkpoint again; in the segments this instance runs.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void resume() {
		for (ProcessorSegment segment : ownedSegments()) {
			segment.progress.paused = false;
			if (segment.progress.failure != null) {
				segment.commands.resume();
			}
			else {
				segment.progress.wake();
			}
		}
	}

	/**
	 * Resets the processor so that it delivers again from a position: on its threads, it
	 * calls the handler's {@link EventHandler#reset(long)} once (with every segment's
	 * thread waiting), saves each segment's checkpoint before the position and drops the
	 * parked events from it on, then delivers; events it had handled before arrive as
	 * replays. Clears a failure. Waits until the reset is done.
	 * @param fromPosition the first position to deliver, from 1 (the beginning) to one
	 * past the log's last position (the end)
	 * @throws IllegalArgumentException if the position is outside that range
	 * @throws IllegalStateException if the processor, or one of its segments, is not
	 * running on this instance, or another instance took one over (moved its checkpoint)
	 * before this one noticed: nothing is reset then, not even the handler; or if the
	 * handler refused the reset
	 */
	public void reset(long fromPosition) {
		long last = this.store.lastPosition();
		if (fromPosition < 1 || fromPosition > last + 1) {
			throw new IllegalArgumentException("Cannot reset processor '" + this.name + "' to position " + fromPosition
					+ ": it must be from 1 (the beginning) to " + (last + 1) + " (after the last position, " + last
					+ ")");
		}
		requireRunning();
		this.group.reset(fromPosition);
	}

	/**
	 * Skips the one event the processor (the first failed segment) failed at, moving its
	 * checkpoint past that event only, and resumes.
	 * @throws IllegalStateException if the processor is not failed at an event
	 */
	public void skipFailed() {
		for (ProcessorSegment segment : this.segments) {
			ProcessorFailure failed = segment.progress.failure;
			if (failed != null && failed.isEventFailure()) {
				requireRunning();
				segment.commands.skip(failed.position());
				return;
			}
		}
		throw new IllegalStateException("Processor '" + this.name + "' is " + status().state()
				+ ", not failed at an event: there is nothing to skip");
	}

	/**
	 * The events parked in every segment, by position: from memory for the segments this
	 * instance runs, from the checkpoint store for the others.
	 * @return the parked events
	 */
	public List<ParkedEvent> parked() {
		return this.group.parked();
	}

	/**
	 * Hands a parked event, the first parked one of its stream, to the handler once more;
	 * when it succeeds, the events of its stream held behind it follow, in order, until
	 * one fails (which then stays parked, first of its stream). Waits until it is done.
	 * @param position the parked event's position
	 * @throws NoSuchElementException if no event is parked at the position
	 * @throws IllegalStateException if the event waits behind another of its stream,
	 * fails again (it stays parked, with its attempts counted), or its segment runs on
	 * another instance
	 */
	public void retryParked(long position) {
		segmentOfParked(position).commands.retryParked(position);
	}

	/**
	 * Drops a parked event, the first parked one of its stream, for good: it is never
	 * handled; the drop is logged and observed. The events of its stream held behind it
	 * follow, in order. Waits until it is done.
	 * @param position the parked event's position
	 * @throws NoSuchElementException if no event is parked at the position
	 * @throws IllegalStateException if the event waits behind another of its stream, or
	 * its segment runs on another instance
	 */
	public void discardParked(long position) {
		segmentOfParked(position).commands.discardParked(position);
	}

	private ProcessorSegment segmentOfParked(long position) {
		requireRunning();
		List<StoredEvent> read = (position >= 1) ? this.store.readAll(position, 1) : List.of();
		if (read.isEmpty() || read.get(0).position() != position) {
			throw new NoSuchElementException(
					"No event is parked at position " + position + " in processor '" + this.name + "'");
		}
		return this.segments.get(ProcessorSegments.of(read.get(0).streamId(), this.segments.size()));
	}

	/**
	 * Waits until the processor has handled a position, in every segment.
	 * @param position the position
	 * @param timeout how long to wait at most
	 * @return whether it did in time
	 */
	public boolean awaitHandled(long position, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.group.handled(position)) {
			if (System.nanoTime() - deadline >= 0 || this.closed) {
				return this.group.handled(position);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return true;
	}

	/**
	 * Stops the processor: lets the events being handled finish (interrupting a handler
	 * after the stop timeout), saves the checkpoints and gives up the ownerships.
	 * Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		for (ProcessorSegment segment : this.segments) {
			segment.signalClose();
		}
		for (ProcessorSegment segment : this.segments) {
			segment.awaitClosed();
		}
		if (this.started) {
			try {
				this.config.ownership().leave(this.name);
			}
			catch (RuntimeException ex) {
				// Left with the connection anyway.
			}
		}
		Subscription subscription = this.wakeUps;
		if (subscription != null) {
			subscription.close();
		}
	}

	@Override
	public String toString() {
		ProcessorStatus status = status();
		return "Processor[" + this.name + ", " + status.state() + " at " + status.checkpoint() + "]";
	}

	private void requireRunning() {
		if (!this.started || this.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' is not running");
		}
	}

	/** The segments this instance runs; refuses when it runs none. */
	private List<ProcessorSegment> ownedSegments() {
		requireRunning();
		List<ProcessorSegment> owned = this.group.owned();
		if (owned.isEmpty()) {
			throw new IllegalStateException(
					"Processor '" + this.name + "' runs on another instance; send the command there");
		}
		return owned;
	}

	/** Builds a {@link Processor}. */
	public static final class Builder {

		private final String name;

		private final EventStore store;

		private final EventHandler handler;

		private StartPoint startFrom = StartPoint.BEGINNING;

		private CheckpointStore checkpoints = CheckpointStore.inMemory();

		private ProcessorOwnership ownership = ProcessorOwnership.local();

		private RetryPolicy retry = RetryPolicy.DEFAULT;

		private int checkpointEvery = 100;

		private Duration checkpointInterval = Duration.ofSeconds(1);

		private Duration ownershipCheck = Duration.ofSeconds(2);

		private Duration stopTimeout = Duration.ofSeconds(10);

		private @Nullable HandlerTransactions transactions;

		private ProcessorObserver observer = ProcessorConfiguration.NO_OBSERVER;

		private int pageSize = 1_000;

		private int segments = 1;

		private RetriesExhausted exhausted = RetriesExhausted.STOP;

		private Builder(String name, EventStore store, EventHandler handler) {
			this.name = name;
			this.store = store;
			this.handler = handler;
		}

		/**
		 * Where a first run starts; {@link StartPoint#BEGINNING} by default.
		 * @param startFrom the start point
		 * @return this builder
		 */
		public Builder startFrom(StartPoint startFrom) {
			this.startFrom = Objects.requireNonNull(startFrom, "startFrom");
			return this;
		}

		/**
		 * Where checkpoints are kept; in memory by default.
		 * @param checkpoints the checkpoint store
		 * @return this builder
		 */
		public Builder checkpoints(CheckpointStore checkpoints) {
			this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
			return this;
		}

		/**
		 * Saves the checkpoint after so many events or so much time, whichever comes
		 * first, and at a clean stop; 100 events or 1 second by default. A transactional
		 * checkpoint store saves with every event instead.
		 * @param events events between saves, at least 1
		 * @param interval the longest time between saves, positive
		 * @return this builder
		 */
		public Builder checkpointEvery(int events, Duration interval) {
			if (events < 1) {
				throw new IllegalArgumentException("checkpoint every must be at least 1 event, was " + events);
			}
			this.checkpointEvery = events;
			this.checkpointInterval = positive(interval, "checkpoint interval");
			return this;
		}

		/**
		 * How the handler is retried; {@link RetryPolicy#DEFAULT} by default.
		 * @param retry the policy
		 * @return this builder
		 */
		public Builder retry(RetryPolicy retry) {
			this.retry = Objects.requireNonNull(retry, "retry");
			return this;
		}

		/**
		 * Who runs the processor when instances share the store; local (always this
		 * instance) by default.
		 * @param ownership the ownership
		 * @return this builder
		 */
		public Builder ownership(ProcessorOwnership ownership) {
			this.ownership = Objects.requireNonNull(ownership, "ownership");
			return this;
		}

		/**
		 * How often an instance that does not own the processor tries to take it over,
		 * and the owner checks it still owns it; 2 seconds by default.
		 * @param interval a positive duration
		 * @return this builder
		 */
		public Builder ownershipCheck(Duration interval) {
			this.ownershipCheck = positive(interval, "ownership check");
			return this;
		}

		/**
		 * How long {@link Processor#close()} lets a handler finish before interrupting
		 * it; 10 seconds by default.
		 * @param timeout a positive duration
		 * @return this builder
		 */
		public Builder stopTimeout(Duration timeout) {
			this.stopTimeout = positive(timeout, "stop timeout");
			return this;
		}

		/**
		 * Runs each event's handling and its checkpoint in one transaction; needs a
		 * {@linkplain CheckpointStore#isTransactional() transactional} checkpoint store.
		 * @param transactions the transactions
		 * @return this builder
		 */
		public Builder transactions(HandlerTransactions transactions) {
			this.transactions = Objects.requireNonNull(transactions, "transactions");
			return this;
		}

		/**
		 * Hears of handled and failed events, for metrics.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(ProcessorObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer");
			return this;
		}

		/**
		 * How many events a read fetches; 1,000 by default.
		 * @param events at least 1
		 * @return this builder
		 */
		public Builder pageSize(int events) {
			if (events < 1) {
				throw new IllegalArgumentException("page size must be at least 1, was " + events);
			}
			this.pageSize = events;
			return this;
		}

		/**
		 * Splits the processor into segments, each with its own thread, checkpoint and
		 * parked events: an event belongs to segment
		 * {@link ProcessorSegments#of(String, int) of(streamId, segments)}, so one
		 * stream's events are handled in order, one at a time, while segments run in
		 * parallel. Where instances share the store, each runs an equal share of them. 1
		 * (no split) by default.
		 * @param segments 1 to {@value ProcessorSegments#MAX}
		 * @return this builder
		 */
		public Builder segments(int segments) {
			this.segments = ProcessorSegments.requireCount(segments);
			return this;
		}

		/**
		 * What happens to an event once its retries are used up;
		 * {@link RetriesExhausted#STOP} by default.
		 * @param exhausted stop at it, or park it
		 * @return this builder
		 */
		public Builder whenRetriesExhausted(RetriesExhausted exhausted) {
			this.exhausted = Objects.requireNonNull(exhausted, "exhausted");
			return this;
		}

		/**
		 * Builds the processor, not yet started.
		 * @return the processor
		 * @throws IllegalStateException if a transactional checkpoint store comes without
		 * transactions, or transactions without one, or a {@link PipelinedEventHandler}
		 * with transactions, or parking with a checkpoint store that keeps no parked
		 * events
		 */
		public Processor build() {
			if (this.exhausted == RetriesExhausted.PARK && !this.checkpoints.keepsParkedEvents()) {
				throw new IllegalStateException("Processor '" + this.name + "' parks events whose retries ran out, but "
						+ this.checkpoints + " keeps no parked events");
			}
			if (this.handler instanceof PipelinedEventHandler && this.transactions != null) {
				throw new IllegalStateException("Processor '" + this.name + "': a pipelined handler's work completes "
						+ "after it returns, so it cannot commit with the checkpoint; build it without transactions "
						+ "and with a checkpoint store whose saves commit on their own");
			}
			return new Processor(new ProcessorConfiguration(this.name, this.store, this.handler, this.startFrom,
					this.checkpoints, this.ownership, this.retry, this.checkpointEvery,
					this.checkpointInterval.toNanos(), this.ownershipCheck.toNanos(), this.stopTimeout.toMillis(),
					this.transactions, this.observer, this.pageSize, 0, this.segments, this.exhausted));
		}

		private static Duration positive(Duration duration, String what) {
			Objects.requireNonNull(duration, what);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(what + " must be positive, was " + duration);
			}
			return duration;
		}

	}

}
