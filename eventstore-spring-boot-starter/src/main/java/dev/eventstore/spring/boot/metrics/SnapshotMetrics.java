package dev.eventstore.spring.boot.metrics;

import java.util.Objects;

import dev.eventstore.snapshot.Snapshotting;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer counters of one {@link Snapshotting}, tagged {@code state} with a name of
 * the application's choosing: {@code eventstore.snapshots.used} (loads that started from
 * a snapshot), {@code eventstore.snapshots.ignored} tagged {@code reason} {@code stale}
 * (another shape or revision of the state class) or {@code corrupt} (damaged), and
 * {@code eventstore.snapshots.saved}. Declare one as a bean for each snapshotted state.
 *
 * @since 0.2.0
 */
public class SnapshotMetrics implements MeterBinder {

	private final String state;

	private final Snapshotting<?> snapshotting;

	/**
	 * @param state the name the meters are tagged with, e.g. {@code cart}
	 * @param snapshotting the snapshotting to count
	 */
	public SnapshotMetrics(String state, Snapshotting<?> snapshotting) {
		this.state = Objects.requireNonNull(state, "state");
		this.snapshotting = Objects.requireNonNull(snapshotting, "snapshotting");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("eventstore.snapshots.used", this.snapshotting, (s) -> s.stats().used())
			.description("Loads that started from a snapshot")
			.tag("state", this.state)
			.register(registry);
		FunctionCounter.builder("eventstore.snapshots.ignored", this.snapshotting, (s) -> s.stats().ignoredStale())
			.description("Snapshots ignored, never read into the state class")
			.tag("state", this.state)
			.tag("reason", "stale")
			.register(registry);
		FunctionCounter.builder("eventstore.snapshots.ignored", this.snapshotting, (s) -> s.stats().ignoredCorrupt())
			.description("Snapshots ignored, never read into the state class")
			.tag("state", this.state)
			.tag("reason", "corrupt")
			.register(registry);
		FunctionCounter.builder("eventstore.snapshots.saved", this.snapshotting, (s) -> s.stats().saved())
			.description("Snapshots saved")
			.tag("state", this.state)
			.register(registry);
		FunctionCounter.builder("eventstore.snapshots.withheld", this.snapshotting, (s) -> s.stats().withheld())
			.description("Snapshots not saved: the state held personal values in plain text")
			.tag("state", this.state)
			.register(registry);
	}

}
