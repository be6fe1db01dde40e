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
		String action = advice(cause.property());
		return new FailureAnalysis(description, action, cause);
	}

	/** What to do, for the property that failed. */
	private static String advice(String property) {
		if (property.contains(" and ")) {
			return "Remove one of " + property + ": they configure different journals, and only the one chosen "
					+ "by eventstore.journal is used.";
		}
		return switch (property) {
			case "eventstore.persist-path" -> "Set eventstore.persist-path to a writable file that no other running "
					+ "application uses (its directories are created), or leave it unset for an in-memory store.";
			case "eventstore.fsync-interval" -> "Set eventstore.fsync-interval to a positive duration, such as 100ms.";
			case "eventstore.segment-size" -> "Set eventstore.segment-size to a size from 1B to 1GB, such as 64MB, or "
					+ "leave it unset to keep the journal in one file.";
			case "eventstore.postgres.table-prefix" ->
				"Set eventstore.postgres.table-prefix to lower-case letters, digits and underscores, such as eventstore_.";
			default ->
				"Check that the application has a DataSource reaching PostgreSQL, that dev.eventstore:eventstore-"
						+ "postgres and spring-jdbc are on the class path, and that the journal's tables exist (apply the "
						+ "schema scripts or set eventstore.postgres.initialize-schema=true).";
		};
	}

}
