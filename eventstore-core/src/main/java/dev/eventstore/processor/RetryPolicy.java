package dev.eventstore.processor;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a processor retries a handler that throws: up to
 * {@code maxAttempts} attempts in all, waiting {@code initialDelay} before the second,
 * each wait {@code multiplier} times the one before, at most {@code maxDelay}.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialDelay the wait before the second attempt, not negative
 * @param maxDelay the longest wait, not shorter than the initial one
 * @param multiplier how much each wait grows, at least 1
 * @since 0.2.0
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {

	/** 5 attempts, waiting 100 ms, 200 ms, 400 ms and 800 ms between them. */
	public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10), 2.0);

	public RetryPolicy {
		Objects.requireNonNull(initialDelay, "initialDelay");
		Objects.requireNonNull(maxDelay, "maxDelay");
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
		}
		if (initialDelay.isNegative()) {
			throw new IllegalArgumentException("initialDelay must not be negative, was " + initialDelay);
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"maxDelay " + maxDelay + " must not be shorter than initialDelay " + initialDelay);
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
		}
	}

	/** No retry: the first failure stops the processor. */
	public static RetryPolicy none() {
		return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
	}

	/**
	 * The wait after a failed attempt.
	 * @param failedAttempt the attempt that failed, from 1
	 * @return the wait before the next one
	 */
	public Duration delayAfter(int failedAttempt) {
		double millis = this.initialDelay.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempt - 1));
		return (millis >= this.maxDelay.toMillis()) ? this.maxDelay : Duration.ofMillis((long) millis);
	}

}
