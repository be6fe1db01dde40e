package dev.eventstore.snapshot;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SnapshotStore} guarantees: the latest snapshot of a stream and state
 * type reads back as saved, an older one never replaces a newer one of the same shape,
 * and a snapshot of another shape replaces it. Run against each store by a subclass in
 * the store's module.
 */
public abstract class SnapshotStoreContractTests {

	/** A store with no snapshot yet, of its own. */
	protected abstract SnapshotStore newStore();

	/**
	 * A second view of the same stored snapshots, as another instance or a restart has.
	 */
	protected abstract SnapshotStore reopen(SnapshotStore store);

	private static Snapshot snapshot(String stream, long version, String fingerprint, String state) {
		return new Snapshot(stream, "com.example.Cart", version, fingerprint, state.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void aStreamWithoutASnapshotHasNone() {
		assertThat(newStore().load("cart-1", "com.example.Cart")).isEmpty();
	}

	@Test
	void theLatestSnapshotReadsBackAsSavedAfterAReopen() {
		SnapshotStore store = newStore();
		store.save(snapshot("cart-1", 5, "f1", "{\"n\":5}"));
		store.save(snapshot("cart-1", 9, "f1", "{\"n\":9}"));
		assertThat(store.load("cart-1", "com.example.Cart")).contains(snapshot("cart-1", 9, "f1", "{\"n\":9}"));
		assertThat(reopen(store).load("cart-1", "com.example.Cart")).contains(snapshot("cart-1", 9, "f1", "{\"n\":9}"));
	}

	@Test
	void anOlderSnapshotOfTheSameShapeIsDropped() {
		SnapshotStore store = newStore();
		store.save(snapshot("cart-1", 9, "f1", "{\"n\":9}"));
		store.save(snapshot("cart-1", 5, "f1", "{\"n\":5}"));
		assertThat(reopen(store).load("cart-1", "com.example.Cart")).map(Snapshot::version).contains(9L);
	}

	@Test
	void aSnapshotOfAnotherShapeReplacesTheStoredOne() {
		SnapshotStore store = newStore();
		store.save(snapshot("cart-1", 9, "f1", "{\"n\":9}"));
		store.save(snapshot("cart-1", 5, "f2", "{\"m\":5}"));
		assertThat(reopen(store).load("cart-1", "com.example.Cart")).contains(snapshot("cart-1", 5, "f2", "{\"m\":5}"));
	}

	@Test
	void streamsAndStateTypesKeepSnapshotsOfTheirOwn() {
		SnapshotStore store = newStore();
		store.save(snapshot("cart-1", 1, "f1", "{\"a\":1}"));
		store.save(snapshot("cart-2", 2, "f1", "{\"b\":2}"));
		store.save(new Snapshot("cart-1", "com.example.Other", 3, "f1", "{}".getBytes(StandardCharsets.UTF_8)));
		SnapshotStore reopened = reopen(store);
		assertThat(reopened.load("cart-1", "com.example.Cart")).map(Snapshot::version).contains(1L);
		assertThat(reopened.load("cart-2", "com.example.Cart")).map(Snapshot::version).contains(2L);
		assertThat(reopened.load("cart-1", "com.example.Other")).map(Snapshot::version).contains(3L);
	}

	@Test
	void aStreamIdOfAnyCharactersKeepsItsSnapshot() {
		SnapshotStore store = newStore();
		String id = "tenant/7/../cart ü?*";
		store.save(snapshot(id, 4, "f1", "{}"));
		assertThat(reopen(store).load(id, "com.example.Cart")).map(Snapshot::streamId).contains(id);
	}

}
