package dev.eventstore.test;

import java.time.Duration;

import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.ProcessorStatus;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a durable processor: waiting for it to catch up with the log, and its
 * state.
 *
 * @since 0.2.0
 */
public final class ProcessorAssert extends AbstractAssert<ProcessorAssert, Processor> {

	ProcessorAssert(Processor actual) {
		super(actual, ProcessorAssert.class);
	}

	/**
	 * Waits until the processor has handled every event stored when called; fails, with
	 * its status, when it does not in time (it failed, is paused, or is too slow).
	 * @param timeout how long to wait at most
	 * @return this
	 */
	public ProcessorAssert catchesUpWithin(Duration timeout) {
		isNotNull();
		long target = this.actual.status().lastPosition();
		if (!this.actual.awaitHandled(target, timeout)) {
			failWithMessage("Expected processor '%s' to reach position %d within %s but it is %s", this.actual.name(),
					target, timeout, this.actual.status());
		}
		return this;
	}

	/**
	 * Verifies the processor's state.
	 * @param state the expected state
	 * @return this
	 */
	public ProcessorAssert isIn(ProcessorState state) {
		isNotNull();
		ProcessorStatus status = this.actual.status();
		if (status.state() != state) {
			failWithMessage("Expected processor '%s' to be %s but it is %s", this.actual.name(), state, status);
		}
		return this;
	}

	/**
	 * Verifies the processor stopped, failed, at an event.
	 * @param position the event's position
	 * @return this
	 */
	public ProcessorAssert hasFailedAt(long position) {
		isIn(ProcessorState.FAILED);
		ProcessorStatus status = this.actual.status();
		if (status.failure() == null || status.failure().position() != position) {
			failWithMessage("Expected processor '%s' to have failed at position %d but it is %s", this.actual.name(),
					position, status);
		}
		return this;
	}

}
