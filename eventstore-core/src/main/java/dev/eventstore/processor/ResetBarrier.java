package dev.eventstore.processor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Where the segments of a processor meet for a reset: each segment's thread arrives (so
 * none handles an event meanwhile), segment 0's resets the handler once every segment
 * arrived, and the others move their checkpoints once it did. Thread-safe.
 */
final class ResetBarrier {

	private static final long WAIT_SECONDS = 10;

	private final String processor;

	private final CountDownLatch arrived;

	private final CompletableFuture<@Nullable Void> handlerReset = new CompletableFuture<>();

	private volatile @Nullable RuntimeException refusal;

	ResetBarrier(String processor, int segments) {
		this.processor = processor;
		this.arrived = new CountDownLatch(segments);
	}

	void arrive() {
		this.arrived.countDown();
	}

	/**
	 * On a segment's thread that cannot take part: the handler is not reset, and no
	 * segment moves its checkpoint.
	 */
	void refuse(RuntimeException why) {
		this.refusal = why;
		this.handlerReset.completeExceptionally(why);
		this.arrived.countDown();
	}

	/** On segment 0's thread: waits until every segment's thread arrived. */
	void awaitAll() {
		try {
			if (!this.arrived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
				IllegalStateException busy = new IllegalStateException("Processor '" + this.processor
						+ "' was not reset: a segment stayed busy in its handler for " + WAIT_SECONDS + " s");
				this.handlerReset.completeExceptionally(busy);
				throw busy;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.handlerReset.completeExceptionally(ex);
			throw new IllegalStateException("Interrupted while resetting processor '" + this.processor + "'", ex);
		}
		RuntimeException refused = this.refusal;
		if (refused != null) {
			throw new IllegalStateException("Processor '" + this.processor + "' was not reset: " + refused.getMessage(),
					refused);
		}
	}

	/** On the other segments' threads: waits until the handler was reset. */
	void awaitHandlerReset() {
		try {
			this.handlerReset.get(2 * WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Processor '" + this.processor + "' was not reset: " + ex.getCause(),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Processor '" + this.processor + "' was not reset: its handler's reset "
					+ "did not end within " + (2 * WAIT_SECONDS) + " s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while resetting processor '" + this.processor + "'", ex);
		}
	}

	void handlerReset() {
		this.handlerReset.complete(null);
	}

	void handlerResetFailed(Exception failure) {
		this.handlerReset.completeExceptionally(failure);
	}

}
