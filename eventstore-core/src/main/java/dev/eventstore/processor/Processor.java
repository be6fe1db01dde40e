package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * exactly that event, or resets it. A damaged checkpoint, or one past the end of the log,
 * fails the processor the same way: nothing is skipped on a guess. Where several
 * instances share a store, the processor runs only on the instance that holds its
 * {@link ProcessorOwnership}. Thread-safe.
 *
 * @since 0.2.0
 */
public final class Processor implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private static final long COMMAND_TIMEOUT_SECONDS = 10;

	private static final long MIN_SAVE_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final ProcessorObserver NO_OBSERVER = new ProcessorObserver() {
	};

	private final String name;

	private final EventStore store;

	private final EventHandler handler;

	private final StartPoint startFrom;

	private final CheckpointStore checkpoints;

	private final ProcessorOwnership ownership;

	private final RetryPolicy retry;

	private final int checkpointEvery;

	private final long checkpointIntervalNanos;

	private final long ownershipCheckNanos;

	private final long stopTimeoutMillis;

	private final @Nullable HandlerTransactions transactions;

	private final ProcessorObserver observer;

	private final int pageSize;

	private final Thread thread;

	private final AtomicLong wakes = new AtomicLong();

	private final Queue<Command> commands = new ConcurrentLinkedQueue<>();

	private volatile boolean started;

	private volatile boolean closed;

	private volatile boolean paused;

	private volatile boolean owned;

	private volatile boolean caughtUp;

	/** The last position handled; with {@link #owned} false, the last checkpoint read. */
	private volatile long handled;

	private volatile long lastKnownPosition;

	private volatile @Nullable ProcessorFailure failure;

	private volatile @Nullable String lastError;

	// Fields below are the processor thread's own.

	/** The checkpoint last loaded or saved; null when none is stored or it is damaged. */
	private volatile @Nullable Checkpoint saved;

	/**
	 * Saves checkpoints off the processor's thread, so that handling never waits for a
	 * checkpoint's fsyncs; a request made while a save runs replaces any request still
	 * waiting, so saves never queue up behind a fast replay.
	 */
	private final ExecutorService writer;

	private final AtomicReference<@Nullable Checkpoint> pendingSave = new AtomicReference<>();

	private volatile @Nullable RuntimeException saveFailure;

	private long replayUntil;

	private int sinceSave;

	private long lastSaveNanos;

	private long lastHeartbeatNanos;

	private @Nullable Subscription wakeUps;

	private Processor(Builder builder) {
		this.name = builder.name;
		this.store = builder.store;
		this.handler = builder.handler;
		this.startFrom = builder.startFrom;
		this.checkpoints = builder.checkpoints;
		this.ownership = builder.ownership;
		this.retry = builder.retry;
		this.checkpointEvery = builder.checkpointEvery;
		this.checkpointIntervalNanos = builder.checkpointInterval.toNanos();
		this.ownershipCheckNanos = builder.ownershipCheck.toNanos();
		this.stopTimeoutMillis = builder.stopTimeout.toMillis();
		this.transactions = builder.transactions;
		this.observer = builder.observer;
		this.pageSize = builder.pageSize;
		if (this.checkpoints.isTransactional() != (this.transactions != null)) {
			throw new IllegalStateException("Processor '" + this.name + "': a transactional checkpoint store needs "
					+ "HandlerTransactions and HandlerTransactions need a transactional checkpoint store; " + "got "
					+ this.checkpoints + " and " + ((this.transactions != null) ? "transactions" : "none"));
		}
		this.thread = new Thread(this::run, "eventstore-processor-" + this.name);
		this.thread.setDaemon(true);
		this.writer = Executors.newSingleThreadExecutor((task) -> {
			Thread saver = new Thread(task, "eventstore-checkpoint-" + this.name);
			saver.setDaemon(true);
			return saver;
		});
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
		if (this.started || this.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' was started before");
		}
		this.started = true;
		this.lastKnownPosition = this.store.lastPosition();
		this.wakeUps = this.store.subscribe((event) -> {
			if (event.position() > this.lastKnownPosition) {
				this.lastKnownPosition = event.position();
			}
			wake();
		});
		this.thread.start();
		return this;
	}

	/** The processor's state now. */
	public ProcessorStatus status() {
		long last = this.lastKnownPosition;
		if (!this.started || this.closed) {
			try {
				last = this.store.lastPosition();
				this.lastKnownPosition = last;
			}
			catch (RuntimeException ex) {
				// The store is closed or its database is away: report the last position
				// known.
			}
		}
		// A running processor hears of every appended position through its wake-up
		// subscription: its status costs no journal call, so gauges read it at any rate.
		ProcessorFailure failed = this.failure;
		ProcessorState state;
		if (!this.started || this.closed) {
			state = ProcessorState.STOPPED;
		}
		else if (!this.owned) {
			state = ProcessorState.NOT_OWNER;
		}
		else if (failed != null) {
			state = ProcessorState.FAILED;
		}
		else if (this.paused) {
			state = ProcessorState.PAUSED;
		}
		else {
			state = this.caughtUp ? ProcessorState.RUNNING : ProcessorState.CATCHING_UP;
		}
		long position = this.handled;
		return new ProcessorStatus(this.name, state, position, last, Math.max(0, last - position),
				(state == ProcessorState.FAILED) ? failed : null, this.lastError);
	}

	/**
	 * Pauses delivery after the event being handled; the processor keeps its ownership. A
	 * pause lasts while this instance owns the processor.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void pause() {
		requireRunning();
		requireOwned();
		this.paused = true;
		wake();
	}

	/**
	 * Resumes a paused processor, or a failed one: it retries the event it stopped at, or
	 * reads its checkpoint again.
	 * @throws IllegalStateException if the processor is not running on this instance
	 */
	public void resume() {
		requireRunning();
		requireOwned();
		this.paused = false;
		if (this.failure != null) {
			command(new Command(Command.Kind.RESUME, 0));
		}
		else {
			wake();
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
		command(new Command(Command.Kind.RESET, fromPosition));
	}

	/**
	 * Skips the one event the processor failed at, moving its checkpoint past that event
	 * only, and resumes.
	 * @throws IllegalStateException if the processor is not failed at an event
	 */
	public void skipFailed() {
		ProcessorFailure failed = this.failure;
		if (failed == null || !failed.isEventFailure()) {
			throw new IllegalStateException("Processor '" + this.name + "' is " + status().state()
					+ ", not failed at an event: there is nothing to skip");
		}
		requireRunning();
		command(new Command(Command.Kind.SKIP, failed.position()));
	}

	/**
	 * Waits until the processor has handled a position.
	 * @param position the position
	 * @param timeout how long to wait at most
	 * @return whether it did in time
	 */
	public boolean awaitHandled(long position, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.handled < position || !this.owned) {
			if (System.nanoTime() - deadline >= 0 || this.closed) {
				return this.handled >= position && this.owned;
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
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		wake();
		if (this.started && Thread.currentThread() != this.thread) {
			try {
				this.thread.join(this.stopTimeoutMillis);
				if (this.thread.isAlive()) {
					logger.log(Level.WARNING, "Processor '" + this.name + "' did not stop within "
							+ this.stopTimeoutMillis + " ms; interrupting its handler");
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
		return "Processor[" + this.name + ", " + status().state() + " at " + this.handled + "]";
	}

	private void requireRunning() {
		if (!this.started || this.closed) {
			throw new IllegalStateException("Processor '" + this.name + "' is not running");
		}
	}

	/**
	 * Refuses an operator's command on an instance that does not own the processor: it
	 * would stay here, unseen by the owner, and be found by a takeover later.
	 */
	private void requireOwned() {
		if (!this.owned) {
			throw new IllegalStateException(
					"Processor '" + this.name + "' runs on another instance; send the command there");
		}
	}

	private void command(Command command) {
		requireOwned();
		this.commands.add(command);
		wake();
		try {
			command.done.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause.getMessage(), cause);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Processor '" + this.name + "' is busy in its handler; the " + command.kind
					+ " is queued and applies when the handler returns");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for processor '" + this.name + "'", ex);
		}
	}

	private void wake() {
		this.wakes.incrementAndGet();
		LockSupport.unpark(this.thread);
	}

	/** Waits until woken, a command arrives, the processor closes, or the time is up. */
	private void idle(long seen, long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (this.wakes.get() == seen && !this.closed) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	/** Waits, whatever wakes come, until the processor closes or the time is up. */
	private void sleep(long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (!this.closed) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	private void run() {
		while (!this.closed) {
			long seen = this.wakes.get();
			try {
				if (!this.owned && !acquire()) {
					idle(seen, this.ownershipCheckNanos);
					continue;
				}
				if (System.nanoTime() - this.lastHeartbeatNanos >= this.ownershipCheckNanos) {
					if (!this.ownership.isHeld(this.name)) {
						lose("its ownership was lost", null);
						continue;
					}
					this.lastHeartbeatNanos = System.nanoTime();
				}
				runCommands();
				if (this.paused || this.failure != null) {
					saveIfBehind();
					idle(seen, this.ownershipCheckNanos);
					continue;
				}
				List<StoredEvent> page = this.store.readAll(this.handled + 1, this.pageSize);
				this.caughtUp = page.size() < this.pageSize;
				for (StoredEvent event : page) {
					if (this.closed || this.paused || !this.commands.isEmpty() || !deliver(event)) {
						break;
					}
					saveIfDue();
				}
				RuntimeException failedSave = this.saveFailure;
				if (failedSave != null) {
					this.saveFailure = null;
					throw failedSave;
				}
				saveIfDue();
				if (page.isEmpty()) {
					idle(seen, nextIdleNanos());
				}
			}
			catch (CheckpointConflictException ex) {
				lose("another instance moved its checkpoint", ex);
			}
			catch (CheckpointException ex) {
				fail(checkpointFailure(ex.getMessage()));
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					break;
				}
				this.lastError = ProcessorFailure.describe(ex);
				logger.log(Level.WARNING, "Processor '" + this.name + "' cannot go on at position " + (this.handled + 1)
						+ "; trying again", ex);
				sleep(TimeUnit.MILLISECONDS.toNanos(500));
			}
		}
		stop();
	}

	private long nextIdleNanos() {
		if (this.saved != null && this.saved.position() != this.handled) {
			long due = this.checkpointIntervalNanos - (System.nanoTime() - this.lastSaveNanos);
			return Math.max(0, Math.min(due, this.ownershipCheckNanos));
		}
		return this.ownershipCheckNanos;
	}

	private void stop() {
		try {
			if (this.owned) {
				try {
					saveIfBehind();
				}
				catch (RuntimeException ex) {
					logger.log(Level.WARNING, "Processor '" + this.name + "' could not save its checkpoint at "
							+ this.handled + " when stopping; it resumes after the last saved one", ex);
				}
				this.owned = false;
				this.ownership.release(this.name);
			}
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Processor '" + this.name + "' could not give up its ownership", ex);
		}
		finally {
			this.writer.shutdown();
			failCommands("it stopped");
		}
	}

	// Ownership and checkpoints

	private boolean acquire() {
		failCommands("it runs on another instance");
		if (!this.ownership.tryAcquire(this.name)) {
			try {
				this.checkpoints.load(this.name).ifPresent((c) -> this.handled = c.position());
			}
			catch (RuntimeException ex) {
				// Shown by the owner; this instance only reports.
			}
			return false;
		}
		this.lastHeartbeatNanos = System.nanoTime();
		this.failure = null;
		this.caughtUp = false;
		// A pause belongs to the ownership it was given in (one that raced the loss of
		// ownership must not stop the next).
		this.paused = false;
		try {
			load();
		}
		catch (CheckpointException ex) {
			fail(checkpointFailure(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			this.ownership.release(this.name);
			throw ex;
		}
		this.owned = true;
		logger.log(Level.INFO, "Processor '" + this.name + "' runs here, after position " + this.handled);
		return true;
	}

	private void load() {
		try {
			awaitSaves();
		}
		catch (RuntimeException ex) {
			// A save of an earlier ownership; the stored checkpoint is read next.
		}
		this.saved = null;
		Optional<Checkpoint> stored = this.checkpoints.load(this.name);
		if (stored.isEmpty()) {
			long start = (this.startFrom == StartPoint.BEGINNING) ? 0 : this.store.lastPosition();
			Checkpoint first = new Checkpoint(start, 0);
			this.checkpoints.save(this.name, null, first);
			saved(first);
			return;
		}
		Checkpoint checkpoint = stored.get();
		saved(checkpoint);
		long last = this.store.lastPosition();
		if (checkpoint.position() > last) {
			throw new CheckpointException("The checkpoint of processor '" + this.name + "' is position "
					+ checkpoint.position() + ", past the log's last position " + last
					+ " (was the journal replaced?). Nothing was delivered; reset the processor to choose where it resumes");
		}
	}

	/** Takes a checkpoint just loaded or saved on this thread as the processor's own. */
	private void saved(Checkpoint checkpoint) {
		this.saved = checkpoint;
		this.handled = checkpoint.position();
		this.replayUntil = checkpoint.replayUntil();
		this.sinceSave = 0;
		this.lastSaveNanos = System.nanoTime();
	}

	/** Asks for a save when enough events or time have passed since the last one. */
	private void saveIfDue() {
		if (this.transactions == null && (this.sinceSave >= this.checkpointEvery
				|| (this.sinceSave > 0 && System.nanoTime() - this.lastSaveNanos >= this.checkpointIntervalNanos))) {
			this.sinceSave = 0;
			this.lastSaveNanos = System.nanoTime();
			if (this.pendingSave.getAndSet(new Checkpoint(this.handled, this.replayUntil)) == null) {
				this.writer.execute(this::writePending);
			}
		}
	}

	/** On the writer's thread: saves the latest checkpoint asked for. */
	private void writePending() {
		Checkpoint next = this.pendingSave.getAndSet(null);
		Checkpoint expected = this.saved;
		if (next == null || next.equals(expected) || !this.owned) {
			return;
		}
		try {
			this.checkpoints.save(this.name, expected, next);
			this.saved = next;
		}
		catch (RuntimeException ex) {
			this.saveFailure = ex;
			wake();
			return;
		}
		// A replay asks for a save every few hundred microseconds: a pause between saves
		// keeps their fsyncs from crowding the disk and the processor's CPU (requests
		// made meanwhile coalesce into one), at the cost of at most this much more work
		// redone after a crash.
		LockSupport.parkNanos(MIN_SAVE_GAP_NANOS);
	}

	/** Waits until the saves asked for are done. */
	private void awaitSaves() {
		try {
			this.writer.submit(() -> {
			}).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while saving the checkpoint of processor '" + this.name + "'",
					ex);
		}
		catch (ExecutionException | java.util.concurrent.RejectedExecutionException ex) {
			throw new IllegalStateException(ex);
		}
		RuntimeException failedSave = this.saveFailure;
		if (failedSave != null) {
			this.saveFailure = null;
			throw failedSave;
		}
	}

	/** Saves the handled position now, after any save asked for before. */
	private void saveIfBehind() {
		if (this.transactions != null) {
			return;
		}
		awaitSaves();
		Checkpoint last = this.saved;
		if (last != null && last.position() != this.handled) {
			Checkpoint next = new Checkpoint(this.handled, this.replayUntil);
			this.checkpoints.save(this.name, last, next);
			saved(next);
		}
	}

	private void lose(String why, @Nullable Exception cause) {
		logger.log(Level.WARNING,
				"Processor '" + this.name + "' stops here: " + why + "; another instance may run it now", cause);
		this.lastError = "Ownership lost: " + why;
		this.owned = false;
		this.pendingSave.set(null);
		try {
			this.ownership.release(this.name);
		}
		catch (RuntimeException ex) {
			// Lost anyway.
		}
		failCommands("it lost its ownership");
	}

	private ProcessorFailure checkpointFailure(String message) {
		return new ProcessorFailure(this.handled + 1, null, null, message, 0, Instant.now());
	}

	private void fail(ProcessorFailure failed) {
		this.failure = failed;
		this.lastError = failed.error();
		logger.log(Level.ERROR,
				"Processor '" + this.name + "' FAILED at position " + failed.position()
						+ ((failed.streamId() != null) ? " (stream '" + failed.streamId() + "', type '" + failed.type()
								+ "', after " + failed.attempts() + " attempts)" : "")
						+ ": " + failed.error() + ". It waits for an operator to resume, skip or reset it");
	}

	// Delivery

	/** Delivers one event, with retries; false when the processor stops at it. */
	private boolean deliver(StoredEvent event) {
		boolean replay = event.position() <= this.replayUntil;
		for (int attempt = 1;; attempt++) {
			Delivery delivery = Delivery.of(replay, attempt);
			// Unobserved, a replay does not pay for reading the clock twice an event.
			long start = (this.observer != NO_OBSERVER) ? System.nanoTime() : 0;
			try {
				if (this.transactions != null) {
					handleInTransaction(event, delivery);
				}
				else {
					this.handler.handle(event, delivery);
					this.sinceSave++;
				}
				this.handled = event.position();
				if (this.observer != NO_OBSERVER) {
					this.observer.handled(this.name, event, System.nanoTime() - start);
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
				if (this.closed && Thread.currentThread().isInterrupted()) {
					return false;
				}
				this.observer.handlerFailed(this.name, event, attempt, thrown);
				this.lastError = ProcessorFailure.describe(thrown);
				if (attempt >= this.retry.maxAttempts()) {
					fail(new ProcessorFailure(event.position(), event.streamId(), event.type(), this.lastError, attempt,
							Instant.now()));
					saveIfBehind();
					return false;
				}
				Duration delay = this.retry.delayAfter(attempt);
				logger.log(Level.WARNING, "Processor '" + this.name + "' failed on position " + event.position()
						+ " (attempt " + attempt + " of " + this.retry.maxAttempts() + "); retrying in " + delay,
						thrown);
				sleep(delay.toNanos());
				if (this.closed) {
					return false;
				}
			}
		}
	}

	private void handleInTransaction(StoredEvent event, Delivery delivery) {
		Checkpoint next = new Checkpoint(event.position(), this.replayUntil);
		Checkpoint expected = this.saved;
		Objects.requireNonNull(this.transactions).inTransaction(() -> {
			try {
				this.handler.handle(event, delivery);
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new HandlerFailed(ex);
			}
			this.checkpoints.save(this.name, expected, next);
		});
		saved(next);
	}

	// Operators' commands, run on the processor's thread between events

	private void runCommands() {
		Command command;
		while ((command = this.commands.poll()) != null) {
			try {
				switch (command.kind) {
					case RESET -> doReset(command.position);
					case SKIP -> doSkip(command.position);
					case RESUME -> doResume();
				}
				command.done.complete(null);
			}
			catch (CheckpointConflictException ex) {
				command.done.completeExceptionally(ex);
				throw ex;
			}
			catch (Exception ex) {
				command.done.completeExceptionally((ex instanceof HandlerFailed wrapped) ? new IllegalStateException(
						"The handler of processor '" + this.name + "' refused the reset: " + wrapped.getCause(),
						wrapped.getCause()) : ex);
			}
		}
	}

	private void doReset(long fromPosition) {
		awaitSaves();
		Checkpoint next = new Checkpoint(fromPosition - 1, Math.max(this.replayUntil, this.handled));
		Checkpoint expected = this.saved;
		Runnable work = () -> {
			try {
				this.handler.reset(fromPosition);
			}
			catch (Exception ex) {
				throw new HandlerFailed(ex);
			}
			this.checkpoints.save(this.name, expected, next);
		};
		if (this.transactions != null) {
			this.transactions.inTransaction(work);
		}
		else {
			work.run();
		}
		saved(next);
		this.failure = null;
		this.caughtUp = false;
		logger.log(Level.WARNING, "Processor '" + this.name
				+ "' was reset by an operator; it delivers again from position " + fromPosition);
	}

	private void doSkip(long position) {
		ProcessorFailure failed = this.failure;
		if (failed == null || !failed.isEventFailure() || failed.position() != position) {
			throw new IllegalStateException("Processor '" + this.name + "' is no longer failed at position " + position
					+ ": there is nothing to skip");
		}
		awaitSaves();
		Checkpoint next = new Checkpoint(position, this.replayUntil);
		Checkpoint expected = this.saved;
		if (this.transactions != null) {
			this.transactions.inTransaction(() -> this.checkpoints.save(this.name, expected, next));
		}
		else {
			this.checkpoints.save(this.name, expected, next);
		}
		saved(next);
		this.failure = null;
		logger.log(Level.WARNING, "Processor '" + this.name + "' skipped position " + position + " (stream '"
				+ failed.streamId() + "', type '" + failed.type() + "') on an operator's command");
	}

	private void doResume() {
		ProcessorFailure failed = this.failure;
		if (failed == null) {
			return;
		}
		this.failure = null;
		if (!failed.isEventFailure()) {
			try {
				load();
			}
			catch (CheckpointException ex) {
				fail(checkpointFailure(ex.getMessage()));
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}
	}

	private void failCommands(String why) {
		Command command;
		while ((command = this.commands.poll()) != null) {
			command.done.completeExceptionally(
					new IllegalStateException("Processor '" + this.name + "' did not run the command: " + why));
		}
	}

	/** An operator's command waiting for the processor's thread. */
	private static final class Command {

		enum Kind {

			RESET, SKIP, RESUME

		}

		final Kind kind;

		final long position;

		final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();

		Command(Kind kind, long position) {
			this.kind = kind;
			this.position = position;
		}

	}

	/** Carries a handler's checked exception through a transaction. */
	private static final class HandlerFailed extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerFailed(Throwable cause) {
			super(cause);
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

		private ProcessorObserver observer = NO_OBSERVER;

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
		 * transactions, or transactions without one
		 */
		public Processor build() {
			return new Processor(this);
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
