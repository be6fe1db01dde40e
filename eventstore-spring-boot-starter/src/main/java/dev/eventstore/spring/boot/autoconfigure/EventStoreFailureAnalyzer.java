package dev.eventstore.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up failure of the event store: which property, which value, why, and
 * what to do.
 */
class EventStoreFailureAnalyzer extends AbstractFailureAnalyzer<EventStoreConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EventStoreConfigurationException cause) {
		String reason = (cause.getCause() != null) ? cause.getCause().getMessage() : cause.getMessage();
		String description = "The event store could not open its journal.\n\n    Property: " + cause.property()
				+ "\n    Value: " + cause.value() + "\n    Reason: " + reason;
		String action = "Set " + cause.property() + " to a writable file that no other running application uses "
				+ "(its directories are created), or leave it unset for an in-memory store.";
		return new FailureAnalysis(description, action, cause);
	}

}
