package dev.eventstore.sample.cart;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
import dev.eventstore.snapshot.Snapshot;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Commands that lose a race to another instance. */
class CartServiceTests {

	private final EventStore store = EventStore.builder()
		.eventTypes(EventTypes.of(ItemAdded.class, CartEvents.ItemRemoved.class, CartEvents.CartCheckedOut.class))
		.upcasters(List.of(new CartUpcasters().itemAddedQtyBecameQuantity()))
		.build();

	@AfterEach
	void close() {
		this.store.close();
	}

	/**
	 * The store as this instance sees it while another instance adds a pear to the same
	 * cart right before each of this instance's first {@code races} appends.
	 */
	private EventStore racedBy(int races, AtomicInteger appends) {
		return (EventStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { EventStore.class },
				(proxy, method, args) -> {
					if (method.getName().equals("append") && appends.incrementAndGet() <= races) {
						this.store.append((String) args[0], NewEvent.of(new ItemAdded("pear", 1)));
					}
					try {
						return method.invoke(this.store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@Test
	void aCommandWithoutIfMatchIsDecidedAgainOnTheLatestCart() {
		this.store.append("cart-c", NewEvent.of(new ItemAdded("apple", 1)));
		AtomicInteger appends = new AtomicInteger();
		Cart cart = new CartService(racedBy(2, appends)).addItem("c", "apple", 1, null);
		assertThat(appends).hasValue(3);
		assertThat(cart.items()).containsEntry("apple", 2).containsEntry("pear", 2);
		assertThat(cart.version()).isEqualTo(4);
		assertThat(new CartService(this.store).load("c").items()).isEqualTo(cart.items());
	}

	@Test
	void aCommandWithoutIfMatchGivesUpAfterItsAttempts() {
		this.store.append("cart-c", NewEvent.of(new ItemAdded("apple", 1)));
		AtomicInteger appends = new AtomicInteger();
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> new CartService(racedBy(100, appends)).addItem("c", "apple", 1, null));
		assertThat(appends).hasValue(CartService.ATTEMPTS);
	}

	@Test
	void aCommandPinnedWithIfMatchIsNeverRetried() {
		this.store.append("cart-c", NewEvent.of(new ItemAdded("apple", 1)));
		AtomicInteger appends = new AtomicInteger();
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> new CartService(racedBy(1, appends)).addItem("c", "apple", 1, 1L));
		assertThat(appends).hasValue(1);
		assertThat(this.store.readStream("cart-c")).hasSize(2);
	}

	@Test
	void aLongCartLoadsFromItsLatestSnapshotAndTheEventsAfterIt() {
		SnapshotStore snapshots = SnapshotStore.inMemory();
		CartService carts = new CartService(this.store, snapshots, 5);
		for (int i = 0; i < 12; i++) {
			carts.addItem("long", "sku-" + (i % 3), 1, null);
		}
		assertThat(snapshots.load("cart-long", Cart.class.getName())).get()
			.extracting(Snapshot::version)
			.isEqualTo(10L);
		Cart cart = carts.load("long");
		assertThat(cart.version()).isEqualTo(12);
		assertThat(cart.items()).containsEntry("sku-0", 4).containsEntry("sku-1", 4).containsEntry("sku-2", 4);
		// Pinned to an older version, the cart is rebuilt as it was then.
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> carts.addItem("long", "sku-0", 1, 3L));
	}

}
