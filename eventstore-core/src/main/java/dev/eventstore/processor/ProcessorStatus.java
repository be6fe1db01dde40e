package dev.eventstore.processor;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A processor's state at one instant.
 *
 * @param name the processor's name
 * @param state what it is doing; with segments, the most telling of theirs (FAILED if one
 * failed, RUNNING or CATCHING_UP if this instance runs one, NOT_OWNER if it runs none)
 * @param checkpoint the last position it handled (on an instance that does not own it,
 * the last checkpoint it read); with segments, the lowest of theirs
 * @param lastPosition the log's last position
 * @param lag how many positions it is behind the log
 * @param failure why it is failed, null unless {@link ProcessorState#FAILED}
 * @param lastError the last error met, even one a retry overcame, null when none
 * @param segments each segment's status, one for a processor of one segment
 * @param parked how many events are parked, in the segments this instance runs
 * @since 0.2.0
 */
public record ProcessorStatus(String name, ProcessorState state, long checkpoint, long lastPosition, long lag,
		@Nullable ProcessorFailure failure, @Nullable String lastError, List<SegmentStatus> segments, int parked) {

	public ProcessorStatus {
		segments = List.copyOf(segments);
	}

}
