package dev.eventstore.processor;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/** Checkpoints in a map, compared and replaced atomically. */
final class InMemoryCheckpointStore implements CheckpointStore {

	private final ConcurrentMap<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

	@Override
	public Optional<Checkpoint> load(String processor) {
		return Optional.ofNullable(this.checkpoints.get(ProcessorNames.require(processor)));
	}

	@Override
	public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
		ProcessorNames.require(processor);
		Objects.requireNonNull(next, "next");
		boolean saved = (expected == null) ? this.checkpoints.putIfAbsent(processor, next) == null
				: this.checkpoints.replace(processor, expected, next);
		if (!saved) {
			throw new CheckpointConflictException("The checkpoint of processor '" + processor + "' is "
					+ this.checkpoints.get(processor) + ", not the expected " + expected);
		}
	}

	@Override
	public String toString() {
		return "in-memory checkpoints";
	}

}
