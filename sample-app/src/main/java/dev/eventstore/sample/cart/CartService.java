package dev.eventstore.sample.cart;

import java.util.List;
import java.util.function.Function;

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

	public CartService(EventStore store) {
		this.store = store;
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
	 * Loads, decides and appends with the version the decision was made on. A client that
	 * sent If-Match decided on the cart as it was at that version, so the cart is rebuilt
	 * as of that version and the append expects it: if the cart has moved on, the store
	 * rejects the append with a concurrency conflict. Without If-Match, the decision is
	 * made on the latest cart.
	 */
	private Cart execute(String cartId, boolean mayCreate, @Nullable Long expectedVersion,
			Function<Cart, Object> decision) {
		List<StoredEvent> history = (expectedVersion != null)
				? this.store.readStream(streamOf(cartId), 1, (int) Math.min(expectedVersion, Integer.MAX_VALUE))
				: this.store.readStream(streamOf(cartId));
		if (history.isEmpty() && !mayCreate && this.store.streamVersion(streamOf(cartId)) == 0) {
			throw new CartNotFound(cartId);
		}
		Cart cart = history.isEmpty() ? Cart.empty(cartId) : Cart.replay(cartId, history);
		Object event = decision.apply(cart);
		long expected = (expectedVersion != null) ? expectedVersion : cart.version();
		this.store.append(streamOf(cartId), NewEvent.of(event), ExpectedVersion.exactly(expected));
		return load(cartId);
	}

}
