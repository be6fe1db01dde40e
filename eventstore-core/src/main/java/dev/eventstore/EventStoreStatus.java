package dev.eventstore;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a store's state, for health checks and gauges.
 *
 * @param journal where the journal keeps its events (a path, "in-memory", ...)
 * @param open whether the store accepts calls
 * @param lastPosition the last stored position, or -1 when closed
 * @param journalSizeBytes the journal's size on its medium, or -1 where unknown
 * @param details journal-specific facts, such as the fsync policy
 * @param writeFailure why the last append could not be written, when no append has
 * succeeded since; null when writes work
 * @since 0.1.0
 */
public record EventStoreStatus(String journal, boolean open, long lastPosition, long journalSizeBytes,
		Map<String, Object> details, @Nullable String writeFailure) {

	public EventStoreStatus {
		details = Map.copyOf(details);
	}

	/** Whether the store is open and its journal can be written. */
	public boolean healthy() {
		return this.open && this.writeFailure == null;
	}

}
