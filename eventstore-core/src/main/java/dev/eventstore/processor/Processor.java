package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.eventstore.EventStore;
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
 * exactly that event, or resets it. A damaged checkpoint, or one past the end of the log,
 * fails the processor the same way: nothing is skipped on a guess. Where several
 * instances share a store, the processor runs only on the instance that holds its
 * {@link ProcessorOwnership}. Thread-safe.
 *
 * <p>
 * This class is the processor's face: its lifecycle, status and operators' commands. Its
 * roles are classes of their own: the thread's loop ({@code ProcessorWorker}), delivery
 * with retries ({@code EventDelivery}), checkpoint saving ({@code CheckpointScheduler}),
 * the command queue ({@code OperatorCommands}) and the state they share
 * ({@code ProcessorProgress}).
 *
 * @since 0.2.0
 */
public final class Processor implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private final ProcessorConfiguration config;

	private final String name;

	private final EventStore store;

	private final ProcessorProgress progress;

	private final OperatorCommands commands;

	private final Thread thread;

	private @Nullable Subscription wakeUps;

	private Processor(ProcessorConfiguration config) {
		this.config = config;
		this.name = config.name();
		this.store = config.store();
		this.progress = new ProcessorProgress(this.name);
		CheckpointScheduler checkpoints = new CheckpointScheduler(config, this.progress);
		this.commands = new OperatorCommands(config, this.progress, checkpoints);
		this.thread = new Thread(new ProcessorWorker(config, this.progress, checkpoints, this.commands),
				"eventstore-processor-" + this.name);
		this.thread.setDaemon(true);
		this.progress.runsOn(this.thread);
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

	/**
	 * Starts delivering on the processor's thread.
	 * @return this processor
	 * @throws IllegalStateException if it was started before
	 */
	public synchronized Processor start() {
		ProcessorProgress progress = this.progress;
		if (progress.started || progress.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' was started before");
		}
		progress.started = true;
		progress.lastKnownPosition = this.store.lastPosition();
		this.wakeUps = this.store.subscribe((event) -> {
			if (event.position() > progress.lastKnownPosition) {
				progress.lastKnownPosition = event.position();
			}
			progress.wake();
		});
		this.thread.start();
		return this;
	}

	/** The processor's state now. */
	public ProcessorStatus status() {
		ProcessorProgress progress = this.progress;
		long last = progress.lastKnownPosition;
		if (!progress.started || progress.closed) {
			try {
				last = this.store.lastPosition();
				progress.lastKnownPosition = last;
			}
			catch (RuntimeException ex) {
				// The store is closed or its database is away: report the last position
				// known.
			}
		}
		// A running processor hears of every appended position through its wake-up
		// subscription: its status costs no journal call, so gauges read it at any rate.
		ProcessorFailure failed = progress.failure;
		ProcessorState state;
		if (!progress.started || progress.closed) {
			state = ProcessorState.STOPPED;
		}
		else if (!progress.owned) {
			state = ProcessorState.NOT_OWNER;
		}
		else if (failed != null) {
			state = ProcessorState.FAILED;
		}
		else if (progress.paused) {
			state = ProcessorState.PAUSED;
		}
		else {
			state = progress.caughtUp ? ProcessorState.RUNNING : ProcessorState.CATCHING_UP;
		}
		long position = progress.handled;
		return new ProcessorStatus(this.name, state, position, last, Math.max(0, last - position),
				(state == ProcessorState.FAILED) ? failed : null, progress.lastError);
	}

	/**
	 * Pauses delivery after the event being handled; the processor keeps its ownership. A
	 * pause lasts while this instance owns the processor.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void pause() {
		requireRunning();
		this.commands.requireOwned();
		this.progress.paused = true;
		this.progress.wake();
	}

	/**
	 * Resumes a paused processor, or a failed one: it retries the event it stopped at, or
	 * reads its checkpoint again.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void resume() {
		requireRunning();
		this.commands.requireOwned();
		this.progress.paused = false;
		if (this.progress.failure != null) {
			this.commands.resume();
		}
		else {
			this.progress.wake();
		}
	}

	/**
	 * Resets the processor so that it delivers again from a position: on its thread, it
	 * calls the handler's {@link EventHandler#reset(long)}, saves the checkpoint before
	 * the position, then delivers; events it had handled before arrive as replays. Clears
	 * a failure. Waits until the reset is done.
	 * @param fromPosition the first position to deliver, from 1 (the beginning) to one
	 * past the log's last position (the end)
	 * @throws IllegalArgumentException if the position is outside that range
	 * @throws IllegalStateException if the processor is not running on this instance, or
	 * the handler refused the reset
	 */
	public void reset(long fromPosition) {
		long last = this.store.lastPosition();
		if (fromPosition < 1 || fromPosition > last + 1) {
			throw new IllegalArgumentException("Cannot reset processor '" + this.name + "' to position " + fromPosition
					+ ": it must be from 1 (the beginning) to " + (last + 1) + " (after the last position, " + last
					+ ")");
		}
		requireRunning();
		this.commands.reset(fromPosition);
	}

	/**
	 * Skips the one event the processor failed at, moving its checkpoint past that event
	 * only, and resumes.
	 * @throws IllegalStateException if the processor is not failed at an event
	 */
	public void skipFailed() {
		ProcessorFailure failed = this.progress.failure;
		if (failed == null || !failed.isEventFailure()) {
			throw new IllegalStateException("Processor '" + this.name + "' is " + status().state()
					+ ", not failed at an event: there is nothing to skip");
		}
		requireRunning();
		this.commands.skip(failed.position());
	}

	/**
	 * Waits until the processor has handled a position.
	 * @param position the position
	 * @param timeout how long to wait at most
	 * @return whether it did in time
	 */
	public boolean awaitHandled(long position, Duration timeout) {
		ProcessorProgress progress = this.progress;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (progress.handled < position || !progress.owned) {
			if (System.nanoTime() - deadline >= 0 || progress.closed) {
				return progress.handled >= position && progress.owned;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return true;
	}

	/**
	 * Stops the processor: lets the event being handled finish (interrupting the handler
	 * after the stop timeout), saves the checkpoint and gives up the ownership.
	 * Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.progress.closed) {
				return;
			}
			this.progress.closed = true;
		}
		this.progress.wake();
		long stopTimeoutMillis = this.config.stopTimeoutMillis();
		if (this.progress.started && Thread.currentThread() != this.thread) {
			try {
				this.thread.join(stopTimeoutMillis);
				if (this.thread.isAlive()) {
					logger.log(Level.WARNING, "Processor '" + this.name + "' did not stop within " + stopTimeoutMillis
							+ " ms; interrupting its handler");
					this.thread.interrupt();
					this.thread.join(TimeUnit.SECONDS.toMillis(2));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Subscription subscription = this.wakeUps;
		if (subscription != null) {
			subscription.close();
		}
	}

	@Override
	public String toString() {
		return "Processor[" + this.name + ", " + status().state() + " at " + this.progress.handled + "]";
	}

	private void requireRunning() {
		if (!this.progress.started || this.progress.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' is not running");
		}
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
		 * Builds the processor, not yet started.
		 * @return the processor
		 * @throws IllegalStateException if a transactional checkpoint store comes without
		 * transactions, or transactions without one, or a {@link PipelinedEventHandler}
		 * with transactions
		 */
		public Processor build() {
			if (this.handler instanceof PipelinedEventHandler && this.transactions != null) {
				throw new IllegalStateException("Processor '" + this.name + "': a pipelined handler's work completes "
						+ "after it returns, so it cannot commit with the checkpoint; build it without transactions "
						+ "and with a checkpoint store whose saves commit on their own");
			}
			return new Processor(new ProcessorConfiguration(this.name, this.store, this.handler, this.startFrom,
					this.checkpoints, this.ownership, this.retry, this.checkpointEvery,
					this.checkpointInterval.toNanos(), this.ownershipCheck.toNanos(), this.stopTimeout.toMillis(),
					this.transactions, this.observer, this.pageSize));
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
