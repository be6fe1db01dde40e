package dev.eventstore.spring.boot.health;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports an event store UP with its journal, last position and journal details (the
 * fsync policy of a file journal); DOWN when the store is closed or its last append could
 * not be written.
 *
 * @since 0.1.0
 */
public class EventStoreHealthIndicator extends AbstractHealthIndicator {

	private final EventStore store;

	public EventStoreHealthIndicator(EventStore store) {
		super("Event store health check failed");
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		EventStoreStatus status = this.store.status();
		if (status.healthy()) {
			builder.up();
		}
		else {
			builder.down();
		}
		// A PostgreSQL journal's location holds its JDBC URL: show the product and table.
		builder
			.withDetail("journal",
					status.journal().startsWith("postgresql ") ? "postgresql table " + status.details().get("table")
							: status.journal())
			.withDetail("open", status.open())
			.withDetail("lastPosition", status.lastPosition())
			.withDetails(status.details());
		if (status.journalSizeBytes() >= 0) {
			builder.withDetail("journalSizeBytes", status.journalSizeBytes());
		}
		if (status.writeFailure() != null) {
			builder.withDetail("writeFailure", status.writeFailure());
		}
	}

}
