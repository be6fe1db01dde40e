package dev.eventstore.processor;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.jspecify.annotations.Nullable;

/** Checkpoints in a map, compared and replaced atomically; parked events beside them. */
final class InMemoryCheckpointStore implements CheckpointStore {

	private final ConcurrentMap<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Map<Long, ParkedEvent>> parked = new ConcurrentHashMap<>();

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
	public boolean keepsParkedEvents() {
		return true;
	}

	@Override
	public List<ParkedEvent> parked(String processor) {
		Map<Long, ParkedEvent> parked = this.parked.get(ProcessorNames.require(processor));
		return (parked != null) ? List.copyOf(parked.values()) : List.of();
	}

	@Override
	public void park(String processor, ParkedEvent event) {
		this.parked.computeIfAbsent(ProcessorNames.require(processor), (key) -> new ConcurrentSkipListMap<>())
			.put(event.position(), event);
	}

	@Override
	public void unpark(String processor, long position) {
		Map<Long, ParkedEvent> parked = this.parked.get(ProcessorNames.require(processor));
		if (parked != null) {
			parked.remove(position);
		}
	}

	@Override
	public String toString() {
		return "in-memory checkpoints";
	}

}
