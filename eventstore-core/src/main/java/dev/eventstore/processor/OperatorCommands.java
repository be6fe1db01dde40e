package dev.eventstore.processor;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * An operator's reset, skip and resume of a failed processor, and retry or discard of a
 * parked event: queued by the caller, run by the processor's thread between events, the
 * caller waiting for the outcome. A command is only taken where the processor runs, and
 * one waiting when the processor stops or loses its ownership fails instead of waiting
 * for another term. Thread-safe.
 */
final class OperatorCommands {

	private static final System.Logger logger = System.getLogger(Processor.class.getName());

	private static final long COMMAND_TIMEOUT_SECONDS = 10;

	private final ProcessorConfiguration config;

	private final ProcessorProgress progress;

	private final CheckpointScheduler checkpoints;

	private final ParkedStreams parking;

	private final Queue<Command> queue = new ConcurrentLinkedQueue<>();

	OperatorCommands(ProcessorConfiguration config, ProcessorProgress progress, CheckpointScheduler checkpoints,
			ParkedStreams parking) {
		this.config = config;
		this.progress = progress;
		this.checkpoints = checkpoints;
		this.parking = parking;
	}

	/**
	 * Refuses an operator's command on an instance that does not own the processor: it
	 * would stay here, unseen by the owner, and be found by a takeover later.
	 */
	void requireOwned() {
		if (!this.progress.owned) {
			throw new IllegalStateException(
					"Processor " + this.config.label() + " runs on another instance; send the command there");
		}
	}

	void reset(long fromPosition) {
		send(new Command(Command.Kind.RESET, fromPosition));
	}

	void skip(long position) {
		send(new Command(Command.Kind.SKIP, position));
	}

	void resume() {
		send(new Command(Command.Kind.RESUME, 0));
	}

	void retryParked(long position) {
		send(new Command(Command.Kind.RETRY_PARKED, position));
	}

	void discardParked(long position) {
		send(new Command(Command.Kind.DISCARD_PARKED, position));
	}

	/** Whether a command waits for the processor's thread. */
	boolean waiting() {
		return !this.queue.isEmpty();
	}

	private void send(Command command) {
		await(submit(command));
	}

	/** Queues a command for the thread without waiting for it. */
	CompletableFuture<@Nullable Void> submit(Command command) {
		requireOwned();
		this.queue.add(command);
		this.progress.wake();
		return command.done;
	}

	/** Queues a reset that meets the other segments' at a barrier. */
	CompletableFuture<@Nullable Void> submitReset(long fromPosition, ResetBarrier barrier) {
		Command command = new Command(Command.Kind.RESET, fromPosition);
		command.barrier = barrier;
		return submit(command);
	}

	/** Waits for a command's outcome, throwing what it failed with. */
	void await(CompletableFuture<@Nullable Void> done) {
		try {
			done.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof CheckpointConflictException moved) {
				// What the caller is told of an instance that does not run the processor,
				// found out only now.
				throw new IllegalStateException("Processor " + this.config.label()
						+ " did not run the command: another instance took it over (" + moved.getMessage() + ")",
						moved);
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause.getMessage(), cause);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Processor " + this.config.label()
					+ " is busy in its handler; the command is queued and applies when the handler returns");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for processor " + this.config.label(), ex);
		}
	}

	/** On the processor's thread: runs the commands waiting. */
	void run() {
		Command command;
		while ((command = this.queue.poll()) != null) {
			try {
				switch (command.kind) {
					case RESET -> doReset(command.position, command.barrier);
					case SKIP -> doSkip(command.position);
					case RESUME -> doResume();
					case RETRY_PARKED -> this.parking.retry(command.position);
					case DISCARD_PARKED -> this.parking.discard(command.position);
				}
				command.done.complete(null);
			}
			catch (CheckpointConflictException ex) {
				command.done.completeExceptionally(ex);
				throw ex;
			}
			catch (Exception ex) {
				command.done.completeExceptionally((ex instanceof HandlerFailed wrapped)
						? new IllegalStateException("The handler of processor '" + this.config.name()
								+ "' refused the reset: " + wrapped.getCause(), wrapped.getCause())
						: ex);
			}
		}
	}

	private void doReset(long fromPosition, @Nullable ResetBarrier barrier) {
		this.checkpoints.awaitSaves();
		Checkpoint next = new Checkpoint(fromPosition - 1,
				Math.max(this.checkpoints.replayUntil(), this.progress.handled));
		Checkpoint expected = this.checkpoints.saved();
		// With segments, the handler is reset once, by segment 0, while every segment's
		// thread waits at the barrier: no event is handled across the reset.
		boolean resetsHandler = barrier == null || this.config.segment() == 0;
		try {
			requireCheckpointUnmoved(expected);
		}
		catch (RuntimeException ex) {
			if (barrier != null) {
				barrier.refuse(ex);
			}
			throw ex;
		}
		if (barrier != null) {
			barrier.arrive();
			if (!resetsHandler) {
				barrier.awaitHandlerReset();
			}
			else {
				barrier.awaitAll();
			}
		}
		Runnable work = () -> {
			if (resetsHandler) {
				try {
					this.config.handler().reset(fromPosition);
				}
				catch (Exception ex) {
					throw new HandlerFailed(ex);
				}
			}
			this.config.checkpoints().save(this.config.key(), expected, next);
		};
		try {
			HandlerTransactions transactions = this.config.transactions();
			if (transactions != null) {
				transactions.inTransaction(work);
			}
			else {
				work.run();
			}
		}
		catch (RuntimeException ex) {
			if (barrier != null && resetsHandler) {
				barrier.handlerResetFailed(ex);
			}
			throw ex;
		}
		if (barrier != null && resetsHandler) {
			barrier.handlerReset();
		}
		this.checkpoints.saved(next);
		this.parking.dropFrom(fromPosition);
		this.progress.failure = null;
		this.progress.caughtUp = false;
		logger.log(Level.WARNING, "Processor " + this.config.label()
				+ " was reset by an operator; it delivers again from position " + fromPosition);
	}

	/**
	 * Before a reset touches the handler: another instance that took this segment over
	 * and moved its checkpoint, before this one noticed, would not replay into a handler
	 * reset here (a shared read model cleared for good). The save checks it again; this
	 * check keeps the handler out of it. A damaged checkpoint is left to the save, which
	 * an operator's reset replaces.
	 */
	private void requireCheckpointUnmoved(@Nullable Checkpoint expected) {
		Checkpoint stored;
		try {
			stored = this.config.checkpoints().load(this.config.key()).orElse(null);
		}
		catch (CheckpointException ex) {
			return;
		}
		if (!Objects.equals(stored, expected)) {
			throw new CheckpointConflictException("The checkpoint of processor '" + this.config.key() + "' is " + stored
					+ ", not the expected " + expected + ": another instance moved it");
		}
	}

	private void doSkip(long position) {
		ProcessorFailure failed = this.progress.failure;
		if (failed == null || !failed.isEventFailure() || failed.position() != position) {
			throw new IllegalStateException("Processor " + this.config.label() + " is no longer failed at position "
					+ position + ": there is nothing to skip");
		}
		this.checkpoints.awaitSaves();
		Checkpoint next = new Checkpoint(position, this.checkpoints.replayUntil());
		Checkpoint expected = this.checkpoints.saved();
		HandlerTransactions transactions = this.config.transactions();
		if (transactions != null) {
			transactions.inTransaction(() -> this.config.checkpoints().save(this.config.key(), expected, next));
		}
		else {
			this.config.checkpoints().save(this.config.key(), expected, next);
		}
		this.checkpoints.saved(next);
		this.progress.failure = null;
		logger.log(Level.WARNING, "Processor " + this.config.label() + " skipped position " + position + " (stream '"
				+ failed.streamId() + "', type '" + failed.type() + "') on an operator's command");
	}

	private void doResume() {
		ProcessorFailure failed = this.progress.failure;
		if (failed == null) {
			return;
		}
		this.progress.failure = null;
		if (!failed.isEventFailure()) {
			try {
				this.checkpoints.load();
			}
			catch (CheckpointException ex) {
				this.progress.fail(this.progress.checkpointFailure(ex.getMessage()));
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}
	}

	/** Fails every command waiting, saying why it did not run. */
	void failAll(String why) {
		Command command;
		while ((command = this.queue.poll()) != null) {
			command.done.completeExceptionally(
					new IllegalStateException("Processor " + this.config.label() + " did not run the command: " + why));
		}
	}

	/** An operator's command waiting for the processor's thread. */
	static final class Command {

		enum Kind {

			RESET, SKIP, RESUME, RETRY_PARKED, DISCARD_PARKED

		}

		final Kind kind;

		final long position;

		final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();

		@Nullable ResetBarrier barrier;

		Command(Kind kind, long position) {
			this.kind = kind;
			this.position = position;
		}

	}

}
