package dev.eventstore.sample.cart;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.Customer;
import dev.eventstore.sample.cart.CartEvents.Line;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.snapshot.Snapshotting;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Carries out cart commands the event-sourced way: load the cart by replaying its stream
 * (from its latest snapshot on, saved every {@code sample.snapshot-every} events), decide
 * against its rules, append the resulting event with the version that was loaded. Two
 * commands racing on one cart cannot both win: the second append fails with a
 * {@link dev.eventstore.ConcurrencyConflictException}.
 */
@Service
public class CartService {

	private final EventStore store;

	/** Loads carts from their latest snapshot plus the events after it. */
	private final Snapshotting<Cart> carts;

	private final ReentrantLock[] stripes = new ReentrantLock[64];

	/** Products whose stock is shared by all carts. */
	private final StockLimits limits;

	/**
	 * @param store the store
	 * @param snapshots where cart snapshots are kept
	 * @param snapshotEvery how many events a load may replay before it saves a snapshot
	 * @param limits the products of limited stock ({@code sample.stock.*}), if bound
	 */
	@Autowired
	public CartService(EventStore store, SnapshotStore snapshots,
			@Value("${sample.snapshot-every:5}") int snapshotEvery, ObjectProvider<StockLimits> limits) {
		this(store, snapshots, snapshotEvery, limits.getIfAvailable(StockLimits::none));
	}

	/**
	 * @param store the store
	 * @param snapshots where cart snapshots are kept
	 * @param snapshotEvery how many events a load may replay before it saves a snapshot
	 * @param limits the products of limited stock
	 */
	public CartService(EventStore store, SnapshotStore snapshots, int snapshotEvery, StockLimits limits) {
		this.store = store;
		this.limits = limits;
		this.carts = Snapshotting.builder(store, snapshots, Cart.class)
			.initial((stream) -> Cart.empty(stream.substring("cart-".length())))
			.evolve(Cart::apply)
			.every(snapshotEvery)
			.build();
		for (int i = 0; i < this.stripes.length; i++) {
			this.stripes[i] = new ReentrantLock();
		}
	}

	/** A service whose snapshots stay in memory. */
	public CartService(EventStore store) {
		this(store, StockLimits.none());
	}

	/** A service whose snapshots stay in memory, with limited stock. */
	public CartService(EventStore store, StockLimits limits) {
		this(store, SnapshotStore.inMemory(), 5, limits);
	}

	static String streamOf(String cartId) {
		return "cart-" + cartId;
	}

	/** How the cart snapshots fare: used, ignored, saved. */
	public Snapshotting<Cart> snapshots() {
		return this.carts;
	}

	/** The cart as its events leave it. */
	public Cart load(String cartId) {
		Snapshotting.Loaded<Cart> loaded = this.carts.load(streamOf(cartId));
		if (loaded.version() == 0) {
			throw new CartNotFound(cartId);
		}
		return loaded.state();
	}

	/** The cart's events as stored. */
	public List<StoredEvent> events(String cartId) {
		List<StoredEvent> events = this.store.readStream(streamOf(cartId));
		if (events.isEmpty()) {
			throw new CartNotFound(cartId);
		}
		return events;
	}

	/** Adds units of a product, creating the cart with its first item. */
	public Cart addItem(String cartId, String sku, int quantity, @Nullable Long expectedVersion) {
		return execute(cartId, true, expectedVersion, (cart) -> cart.add(sku, quantity));
	}

	public Cart removeItem(String cartId, String sku, @Nullable Long expectedVersion) {
		return execute(cartId, false, expectedVersion, (cart) -> cart.remove(sku));
	}

	public Cart checkout(String cartId, @Nullable Long expectedVersion) {
		return checkout(cartId, expectedVersion, null);
	}

	/** Checks a cart out for a customer, whose name and e-mail are stored encrypted. */
	public Cart checkout(String cartId, @Nullable Long expectedVersion, @Nullable Customer customer) {
		return execute(cartId, false, expectedVersion, (cart) -> cart.checkout(customer));
	}

	/**
	 * Loads, decides and appends with the version the decision was made on, reading the
	 * stream once: the new cart is the loaded one plus the stored event. A client that
	 * sent If-Match decided on the cart as it was at that version, so the cart is rebuilt
	 * as of that version and the append expects it: if the cart has moved on, the
	 * conflict is the client's to resolve (409). Without If-Match the decision is made on
	 * the latest cart, so a conflict only means another command got in first: the command
	 * is decided again on the new latest cart, up to {@value #ATTEMPTS} times.
	 */
	private Cart execute(String cartId, boolean mayCreate, @Nullable Long expectedVersion,
			Function<Cart, Object> decision) {
		// Commands on one cart in this instance take turns, so they do not race each
		// other to a conflict; the retries are for other instances.
		ReentrantLock stripe = this.stripes[Math.floorMod(cartId.hashCode(), this.stripes.length)];
		stripe.lock();
		try {
			return decideAndAppend(cartId, mayCreate, expectedVersion, decision);
		}
		finally {
			stripe.unlock();
		}
	}

	private Cart decideAndAppend(String cartId, boolean mayCreate, @Nullable Long expectedVersion,
			Function<Cart, Object> decision) {
		for (int attempt = 1;; attempt++) {
			Snapshotting.Loaded<Cart> loaded = (expectedVersion != null)
					? this.carts.load(streamOf(cartId), expectedVersion) : this.carts.load(streamOf(cartId));
			if (loaded.version() == 0 && !mayCreate && this.store.streamVersion(streamOf(cartId)) == 0) {
				throw new CartNotFound(cartId);
			}
			Cart cart = loaded.state();
			Object event = decision.apply(cart);
			long expected = (expectedVersion != null) ? expectedVersion : cart.version();
			try {
				if (event instanceof CartCheckedOut checkedOut) {
					return cart.apply(checkOut(cartId, checkedOut, expected));
				}
				return cart
					.apply(this.store.append(streamOf(cartId), NewEvent.of(event), ExpectedVersion.exactly(expected)));
			}
			catch (AppendConditionFailedException ex) {
				// Another cart sold a limited product meanwhile: decide again on the new
				// sales. Bounded, but never a 409 while stock remains: each lost race
				// means another checkout won.
				if (attempt == STOCK_ATTEMPTS) {
					throw ex;
				}
			}
			catch (ConcurrencyConflictException ex) {
				if (expectedVersion != null || attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Appends a checkout, tagged {@code sku:<sku>} for each line. When the cart holds
	 * products of limited stock, it reads every checkout tagged with them, refuses to
	 * sell more than is left, and appends under the condition that no such checkout was
	 * stored since the read, in any cart: the stock is a consistency boundary across
	 * streams, with no stream of its own that every checkout would contend on.
	 */
	private StoredEvent checkOut(String cartId, CartCheckedOut event, long expected) {
		String[] tags = event.lines().stream().map((line) -> "sku:" + line.sku()).toArray(String[]::new);
		NewEvent checkout = NewEvent.of(event).withTags(tags);
		List<Line> limited = event.lines()
			.stream()
			.filter((line) -> this.limits.stock().containsKey(line.sku()))
			.toList();
		if (limited.isEmpty()) {
			return this.store.append(streamOf(cartId), checkout, ExpectedVersion.exactly(expected));
		}
		EventQuery sales = null;
		for (Line line : limited) {
			EventQuery item = EventQuery.of(List.of("CartCheckedOut"), List.of("sku:" + line.sku()));
			sales = (sales == null) ? item : sales.or(item);
		}
		QueryResult sold = this.store.read(sales);
		for (Line line : limited) {
			int units = 0;
			for (StoredEvent stored : sold.events()) {
				for (Line soldLine : stored.payload(CartCheckedOut.class).lines()) {
					if (soldLine.sku().equals(line.sku())) {
						units += soldLine.quantity();
					}
				}
			}
			int available = Math.max(0, this.limits.stock().get(line.sku()) - units);
			if (line.quantity() > available) {
				throw new OutOfStock(line.sku(), line.quantity(), available);
			}
		}
		return this.store
			.appendBatch(streamOf(cartId), List.of(checkout), ExpectedVersion.exactly(expected),
					AppendCondition.failIfEventsMatch(sales, sold.position()))
			.get(0);
	}

	/** How often a command without If-Match is decided again after losing a race. */
	static final int ATTEMPTS = 5;

	/**
	 * How often a checkout of limited stock is decided again after another checkout sold
	 * some of it first.
	 */
	static final int STOCK_ATTEMPTS = 20;

}
