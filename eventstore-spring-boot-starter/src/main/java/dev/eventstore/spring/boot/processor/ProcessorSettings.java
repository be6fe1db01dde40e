package dev.eventstore.spring.boot.processor;

import java.time.Duration;

import dev.eventstore.processor.RetriesExhausted;
import dev.eventstore.processor.RetryPolicy;
import dev.eventstore.processor.StartPoint;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one processor, bound from {@code eventstore.processors.<name>.*}.
 *
 * @since 0.2.0
 */
public class ProcessorSettings {

	/** Whether the processor runs; a disabled one is listed as STOPPED. */
	private boolean enabled = true;

	/** Where a first run starts; overrides the annotation's. */
	private @Nullable StartPoint startFrom;

	/** Where the checkpoint lives; overrides the annotation's. */
	private EventProcessor.@Nullable Checkpoints checkpoints;

	/**
	 * Events handled between checkpoint saves (ignored with transactional checkpoints).
	 */
	private int checkpointEvery = 100;

	/** The longest time between checkpoint saves. */
	private Duration checkpointInterval = Duration.ofSeconds(1);

	/**
	 * How often a standby instance tries to take the processor over and the owner checks
	 * its ownership; bounds the takeover time after the owner dies.
	 */
	private Duration ownershipCheck = Duration.ofSeconds(2);

	/** How long a stop waits for a running handler before interrupting it. */
	private Duration stopTimeout = Duration.ofSeconds(10);

	/**
	 * How many segments split the work by stream, 1 to 256, each on a thread of its own
	 * and shared out among instances; overrides the annotation's.
	 */
	private @Nullable Integer segments;

	private final Retry retry = new Retry();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable StartPoint getStartFrom() {
		return this.startFrom;
	}

	public void setStartFrom(@Nullable StartPoint startFrom) {
		this.startFrom = startFrom;
	}

	public EventProcessor.@Nullable Checkpoints getCheckpoints() {
		return this.checkpoints;
	}

	public void setCheckpoints(EventProcessor.@Nullable Checkpoints checkpoints) {
		this.checkpoints = checkpoints;
	}

	public int getCheckpointEvery() {
		return this.checkpointEvery;
	}

	public void setCheckpointEvery(int checkpointEvery) {
		this.checkpointEvery = checkpointEvery;
	}

	public Duration getCheckpointInterval() {
		return this.checkpointInterval;
	}

	public void setCheckpointInterval(Duration checkpointInterval) {
		this.checkpointInterval = checkpointInterval;
	}

	public Duration getOwnershipCheck() {
		return this.ownershipCheck;
	}

	public void setOwnershipCheck(Duration ownershipCheck) {
		this.ownershipCheck = ownershipCheck;
	}

	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	public void setStopTimeout(Duration stopTimeout) {
		this.stopTimeout = stopTimeout;
	}

	public @Nullable Integer getSegments() {
		return this.segments;
	}

	public void setSegments(@Nullable Integer segments) {
		this.segments = segments;
	}

	public Retry getRetry() {
		return this.retry;
	}

	/**
	 * How a failing handler is retried, and what happens to the event once the attempts
	 * are used up.
	 */
	public static class Retry {

		/**
		 * What happens once the attempts are used up: stop the processor (its segment) at
		 * the event, or park the event with its stream's later ones and go on.
		 */
		private RetriesExhausted exhausted = RetriesExhausted.STOP;

		/** Attempts in all, the first included. */
		private int maxAttempts = RetryPolicy.DEFAULT.maxAttempts();

		/** The wait before the second attempt. */
		private Duration initialDelay = RetryPolicy.DEFAULT.initialDelay();

		/** The longest wait between attempts. */
		private Duration maxDelay = RetryPolicy.DEFAULT.maxDelay();

		/** How much each wait grows. */
		private double multiplier = RetryPolicy.DEFAULT.multiplier();

		public RetriesExhausted getExhausted() {
			return this.exhausted;
		}

		public void setExhausted(RetriesExhausted exhausted) {
			this.exhausted = exhausted;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		RetryPolicy toPolicy() {
			return new RetryPolicy(this.maxAttempts, this.initialDelay, this.maxDelay, this.multiplier);
		}

	}

}
