package dev.eventstore.processor;

import org.jspecify.annotations.Nullable;

/**
 * One segment of a processor at one instant.
 *
 * @param segment the segment, from 0
 * @param owner the instance that runs it ({@link ProcessorOwnership#instance()}), null
 * when none does or it is not known here
 * @param state what it is doing, as seen from this instance
 * @param checkpoint the last position it handled (on an instance that does not own it,
 * the last checkpoint read)
 * @param lag how many positions it is behind the log
 * @param parked how many of its events are parked (known where it runs)
 * @since 0.2.0
 */
public record SegmentStatus(int segment, @Nullable String owner, ProcessorState state, long checkpoint, long lag,
		int parked) {

}
