package dev.eventstore.sample.cart;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * Carries out cart commands the event-sourced way: load the cart by replaying its stream,
 * decide against its rules, append the resulting event with the version that was loaded.
 * Two commands racing on one cart cannot both win: the second append fails with a
 * {@link dev.eventstore.ConcurrencyConflictException}.
 */
@Service
public class CartService {

	private final EventStore store;

	private final ReentrantLock[] stripes = new ReentrantLock[64];

	public CartService(EventStore store) {
		this.store = store;
		for (int i = 0; i < this.stripes.length; i++) {
			this.stripes[i] = new ReentrantLock();
		}
	}

	static String streamOf(String cartId) {
		return "cart-" + cartId;
	}

	/** The cart as its events leave it. */
	public Cart load(String cartId) {
		List<StoredEvent> events = this.store.readStream(streamOf(cartId));
		if (events.isEmpty()) {
			throw new CartNotFound(cartId);
		}
		return Cart.replay(cartId, events);
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
		return execute(cartId, false, expectedVersion, Cart::checkout);
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
			List<StoredEvent> history = (expectedVersion != null)
					? this.store.readStream(streamOf(cartId), 1, (int) Math.min(expectedVersion, Integer.MAX_VALUE))
					: this.store.readStream(streamOf(cartId));
			if (history.isEmpty() && !mayCreate && this.store.streamVersion(streamOf(cartId)) == 0) {
				throw new CartNotFound(cartId);
			}
			Cart cart = history.isEmpty() ? Cart.empty(cartId) : Cart.replay(cartId, history);
			Object event = decision.apply(cart);
			long expected = (expectedVersion != null) ? expectedVersion : cart.version();
			try {
				return cart
					.apply(this.store.append(streamOf(cartId), NewEvent.of(event), ExpectedVersion.exactly(expected)));
			}
			catch (ConcurrencyConflictException ex) {
				if (expectedVersion != null || attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/** How often a command without If-Match is decided again after losing a race. */
	static final int ATTEMPTS = 5;

}
