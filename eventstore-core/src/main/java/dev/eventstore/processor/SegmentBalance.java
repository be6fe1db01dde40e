package dev.eventstore.processor;

import java.util.concurrent.ConcurrentSkipListSet;

/**
 * How many of a processor's segments this instance should run: an equal share,
 * {@code ceil(segments / live instances)}. A segment's thread takes its segment only
 * while the instance runs fewer than its share, and the instance's highest segment is
 * handed over (checkpoint saved, ownership released) while it runs more, so that
 * instances that join find segments to take within an ownership check or two. Shared by
 * the segments' threads; thread-safe.
 */
final class SegmentBalance {

	private final ProcessorConfiguration config;

	private final ConcurrentSkipListSet<Integer> owned = new ConcurrentSkipListSet<>();

	private volatile int instances = 1;

	private volatile long countedAt;

	private volatile boolean counted;

	SegmentBalance(ProcessorConfiguration config) {
		this.config = config;
	}

	/** This instance's share of the segments. */
	int share() {
		int segments = this.config.segments();
		if (segments == 1) {
			return 1;
		}
		long now = System.nanoTime();
		if (!this.counted || now - this.countedAt >= this.config.ownershipCheckNanos()) {
			try {
				this.instances = Math.max(1, this.config.ownership().instances(this.config.name()));
			}
			catch (RuntimeException ex) {
				// The medium is away: keep the last count; the ownerships say the rest.
			}
			this.countedAt = now;
			this.counted = true;
		}
		return (segments + this.instances - 1) / this.instances;
	}

	/** Whether this instance may take one more segment. */
	boolean mayTake() {
		return this.owned.size() < share();
	}

	/** Whether a segment this instance runs should be handed over to another. */
	boolean shouldHandOver(int segment) {
		return this.owned.size() > share() && this.owned.last() == segment;
	}

	void took(int segment) {
		this.owned.add(segment);
	}

	void gaveUp(int segment) {
		this.owned.remove(segment);
	}

}
