package dev.eventstore.processor;

import org.jspecify.annotations.Nullable;

/**
 * A processor's state at one instant.
 *
 * @param name the processor's name
 * @param state what it is doing
 * @param checkpoint the last position it handled (on an instance that does not own it,
 * the last checkpoint it read)
 * @param lastPosition the log's last position
 * @param lag how many positions it is behind the log
 * @param failure why it is failed, null unless {@link ProcessorState#FAILED}
 * @param lastError the last error met, even one a retry overcame, null when none
 * @since 0.2.0
 */
public record ProcessorStatus(String name, ProcessorState state, long checkpoint, long lastPosition, long lag,
		@Nullable ProcessorFailure failure, @Nullable String lastError) {

}
