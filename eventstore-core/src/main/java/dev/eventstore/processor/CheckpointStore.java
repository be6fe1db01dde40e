package dev.eventstore.processor;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Where processors keep their checkpoints (SPI). A save replaces the checkpoint
 * atomically: after a crash the store holds the old or the new one, never a torn one.
 * Implementations are thread-safe.
 *
 * @since 0.2.0
 */
public interface CheckpointStore {

	/**
	 * The processor's checkpoint.
	 * @param processor the processor's name
	 * @return the checkpoint, empty when none was saved
	 * @throws CheckpointException if one is stored but cannot be read
	 */
	Optional<Checkpoint> load(String processor);

	/**
	 * Saves the processor's checkpoint if the stored one is still {@code expected}.
	 * @param processor the processor's name
	 * @param expected the checkpoint this process last loaded or saved, null when none
	 * was stored
	 * @param next the new checkpoint
	 * @throws CheckpointConflictException if the stored checkpoint is another; nothing is
	 * saved
	 */
	void save(String processor, @Nullable Checkpoint expected, Checkpoint next);

	/**
	 * Whether saves join the transaction of a handler run through
	 * {@link HandlerTransactions}, so that an event's effects and the checkpoint after it
	 * commit together. The processor then saves the checkpoint with every event.
	 */
	default boolean isTransactional() {
		return false;
	}

	/**
	 * Whether this store keeps {@linkplain ParkedEvent parked events}, which a processor
	 * that {@linkplain RetriesExhausted#PARK parks} needs. The stores this library makes
	 * do; one that does not refuses such a processor when it is built.
	 */
	default boolean keepsParkedEvents() {
		return false;
	}

	/**
	 * The events parked under a processor (or one of its segments), by position.
	 * @param processor the processor's (or segment's) name
	 * @return the parked events, in position order
	 */
	default List<ParkedEvent> parked(String processor) {
		return List.of();
	}

	/**
	 * Parks an event, or replaces the parked event of the same position, durably before
	 * it returns (in the handler's transaction when the store is transactional).
	 * @param processor the processor's (or segment's) name
	 * @param event the parked event
	 */
	default void park(String processor, ParkedEvent event) {
		throw new UnsupportedOperationException(this + " keeps no parked events");
	}

	/**
	 * Parks an event the processor passes (its retries used up, or held behind its
	 * stream's parked one), durably at the latest when the processor's next {@link #save}
	 * returns, before its checkpoint: until then a crash has it delivered, and parked,
	 * again. A store may write the events parked since the last save with it, in one
	 * write or transaction, rather than one each (the file store does; so does the
	 * PostgreSQL store without transactions). By default {@link #park}.
	 * @param processor the processor's (or segment's) name
	 * @param event the parked event
	 */
	default void parkPassed(String processor, ParkedEvent event) {
		park(processor, event);
	}

	/**
	 * Removes a parked event, durably before it returns (in the handler's transaction
	 * when the store is transactional); nothing happens when none is parked there.
	 * @param processor the processor's (or segment's) name
	 * @param position the event's position
	 */
	default void unpark(String processor, long position) {
		throw new UnsupportedOperationException(this + " keeps no parked events");
	}

	/**
	 * Removes parked events, durably before it returns, as {@link #unpark} does each, in
	 * one write or transaction where the store can. By default one {@code unpark} each.
	 * @param processor the processor's (or segment's) name
	 * @param positions the events' positions
	 */
	default void unparkAll(String processor, List<Long> positions) {
		for (long position : positions) {
			unpark(processor, position);
		}
	}

	/**
	 * Checkpoints on the heap: a processor starts from its start point in every process.
	 */
	static CheckpointStore inMemory() {
		return new InMemoryCheckpointStore();
	}

	/**
	 * Checkpoints in files next to a journal file, one for each processor, named
	 * {@code <journal file name>.<processor>.checkpoint}. Only the process holding the
	 * journal's lock should use them.
	 * @param journal the journal file
	 * @return the store
	 */
	static CheckpointStore besideJournal(Path journal) {
		return new FileCheckpointStore(journal);
	}

}
