package dev.eventstore.processor;

/**
 * The stored checkpoint is not the one this process last read or wrote: another instance
 * took the processor over. The save changed nothing; the processor gives up ownership.
 *
 * @since 0.2.0
 */
public class CheckpointConflictException extends CheckpointException {

	private static final long serialVersionUID = 1L;

	public CheckpointConflictException(String message) {
		super(message);
	}

}
