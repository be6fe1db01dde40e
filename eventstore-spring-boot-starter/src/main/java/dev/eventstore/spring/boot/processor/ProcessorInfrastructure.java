package dev.eventstore.spring.boot.processor;

import java.util.Objects;

import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.HandlerTransactions;
import dev.eventstore.processor.ProcessorOwnership;
import org.jspecify.annotations.Nullable;

/**
 * What durable processors of the application's store run on: where their checkpoints
 * live, who owns them among instances, and the transactions their handlers join. The
 * starter defines one for its journal; define a bean of your own to replace it.
 *
 * @param checkpoints the durable checkpoint store
 * @param ownership the ownership among instances
 * @param transactions the transactions of a transactional checkpoint store, else null
 * @since 0.2.0
 */
public record ProcessorInfrastructure(CheckpointStore checkpoints, ProcessorOwnership ownership,
		@Nullable HandlerTransactions transactions) {

	public ProcessorInfrastructure {
		Objects.requireNonNull(checkpoints, "checkpoints");
		Objects.requireNonNull(ownership, "ownership");
	}

}
