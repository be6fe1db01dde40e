package dev.eventstore.sample.cart;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventQuery;
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
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

	/**
	 * 16 carts hold one unit of gold-1 each and check out at once against a stock of 10:
	 * exactly 10 succeed (a lost race is decided again, never refused while stock
	 * remains), the other 6 are refused naming the SKU, and no more than 10 are sold.
	 */
	@Test
	void limitedStockIsNeverOversoldByCartsCheckingOutAtOnce() throws Exception {
		CartService carts = new CartService(this.store, new StockLimits(Map.of("gold-1", 10)));
		int buyers = 16;
		for (int i = 0; i < buyers; i++) {
			carts.addItem("buyer-" + i, "gold-1", 1, null);
			carts.addItem("buyer-" + i, "apple", 1, null);
		}
		ExecutorService pool = Executors.newFixedThreadPool(buyers);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> checkouts = new ArrayList<>();
			for (int i = 0; i < buyers; i++) {
				String cart = "buyer-" + i;
				checkouts.add(pool.submit(() -> {
					start.await();
					try {
						carts.checkout(cart, null);
						return true;
					}
					catch (OutOfStock ex) {
						assertThat(ex.sku()).isEqualTo("gold-1");
						assertThat(ex.available()).isZero();
						return false;
					}
				}));
			}
			start.countDown();
			int sold = 0;
			for (Future<Boolean> checkout : checkouts) {
				sold += checkout.get(30, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(sold).isEqualTo(10);
			assertThat(this.store.read(EventQuery.of(List.of("CartCheckedOut"), List.of("sku:gold-1"))).events())
				.hasSize(10);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aNegativeStockIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StockLimits(Map.of("gold-1", -1)))
			.withMessage("sample.stock.gold-1 must be 0 or more units, was -1");
	}

	@Test
	void aCheckoutOfUnlimitedProductsIsTaggedButUnchecked() {
		CartService carts = new CartService(this.store, new StockLimits(Map.of("gold-1", 0)));
		carts.addItem("free", "apple", 2, null);
		carts.checkout("free", null);
		assertThat(this.store.readStream("cart-free").get(1).tags()).containsExactly("sku:apple");
		carts.addItem("none-left", "gold-1", 1, null);
		assertThatExceptionOfType(OutOfStock.class).isThrownBy(() -> carts.checkout("none-left", null))
			.withMessageContaining("gold-1");
	}

	@Test
	void aLongCartLoadsFromItsLatestSnapshotAndTheEventsAfterIt() {
		SnapshotStore snapshots = SnapshotStore.inMemory();
		CartService carts = new CartService(this.store, snapshots, 5, StockLimits.none());
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
