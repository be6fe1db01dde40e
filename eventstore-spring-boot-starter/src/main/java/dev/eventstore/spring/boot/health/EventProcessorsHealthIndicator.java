package dev.eventstore.spring.boot.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorFailure;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.ProcessorStatus;
import dev.eventstore.spring.boot.processor.EventProcessors;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Reports the durable event processors: UP while none is FAILED, else the configured
 * status (DOWN by default, or OUT_OF_SERVICE), with each processor's state, checkpoint,
 * lag, segments and parked events and, for a failed one, the event it stopped at and why.
 *
 * @since 0.2.0
 */
public class EventProcessorsHealthIndicator extends AbstractHealthIndicator {

	private final EventProcessors processors;

	private final Status failedStatus;

	public EventProcessorsHealthIndicator(EventProcessors processors, Status failedStatus) {
		super("Event processors health check failed");
		this.processors = processors;
		this.failedStatus = failedStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean failed = false;
		for (Processor processor : this.processors.all()) {
			ProcessorStatus status = processor.status();
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", status.state());
			details.put("checkpoint", status.checkpoint());
			details.put("lag", status.lag());
			if (status.segments().size() > 1) {
				details.put("segments", status.segments().size());
			}
			if (status.parked() > 0) {
				// Parked events do not make it DOWN: the rest goes on, and the
				// eventstore.processor.parked gauge is what to alert on.
				details.put("parked", status.parked());
			}
			ProcessorFailure failure = status.failure();
			if (failure != null) {
				details.put("failure", failure);
			}
			if (status.lastError() != null) {
				details.put("lastError", status.lastError());
			}
			builder.withDetail(status.name(), details);
			failed |= status.state() == ProcessorState.FAILED;
		}
		builder.status(failed ? this.failedStatus : Status.UP);
	}

}
