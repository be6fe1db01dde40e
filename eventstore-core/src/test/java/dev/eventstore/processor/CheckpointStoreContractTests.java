package dev.eventstore.processor;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every {@link CheckpointStore} guarantees: a checkpoint reads back as saved, per
 * processor, and moves only by compare-and-set. Run against each store by a subclass in
 * the store's module.
 */
public abstract class CheckpointStoreContractTests {

	/** A store with no checkpoint saved yet, of its own. */
	protected abstract CheckpointStore newStore();

	/**
	 * A second view of the same stored checkpoints, as another instance or a restart has.
	 */
	protected abstract CheckpointStore reopen(CheckpointStore store);

	@Test
	void aProcessorWithoutACheckpointHasNone() {
		assertThat(newStore().load("nobody")).isEmpty();
	}

	@Test
	void aSavedCheckpointReadsBackAsSavedAfterAReopen() {
		CheckpointStore store = newStore();
		store.save("totals", null, new Checkpoint(5, 0));
		store.save("totals", new Checkpoint(5, 0), new Checkpoint(9, 3));
		assertThat(store.load("totals")).contains(new Checkpoint(9, 3));
		assertThat(reopen(store).load("totals")).contains(new Checkpoint(9, 3));
	}

	@Test
	void processorsKeepCheckpointsOfTheirOwn() {
		CheckpointStore store = newStore();
		store.save("a", null, new Checkpoint(1, 0));
		store.save("b", null, new Checkpoint(2, 0));
		assertThat(store.load("a")).contains(new Checkpoint(1, 0));
		assertThat(store.load("b")).contains(new Checkpoint(2, 0));
	}

	@Test
	void aSaveExpectingAnotherCheckpointIsRefusedAndChangesNothing() {
		CheckpointStore store = newStore();
		store.save("totals", null, new Checkpoint(5, 0));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> store.save("totals", new Checkpoint(4, 0), new Checkpoint(6, 0)));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> store.save("totals", null, new Checkpoint(6, 0)));
		assertThat(store.load("totals")).contains(new Checkpoint(5, 0));
	}

	@Test
	void anotherInstanceMovingTheCheckpointMakesThisOnesSaveAConflict() {
		CheckpointStore mine = newStore();
		mine.save("totals", null, new Checkpoint(5, 0));
		CheckpointStore theirs = reopen(mine);
		Optional<Checkpoint> seen = theirs.load("totals");
		assertThat(seen).contains(new Checkpoint(5, 0));
		theirs.save("totals", seen.get(), new Checkpoint(8, 0));
		assertThatExceptionOfType(CheckpointConflictException.class)
			.isThrownBy(() -> mine.save("totals", new Checkpoint(5, 0), new Checkpoint(6, 0)));
		assertThat(reopen(mine).load("totals")).contains(new Checkpoint(8, 0));
	}

}
