package dev.eventstore.sample.cart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventstore.StoredEvent;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.Customer;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
import dev.eventstore.sample.cart.CartEvents.ItemRemoved;
import dev.eventstore.sample.cart.CartEvents.Line;
import org.jspecify.annotations.Nullable;

/**
 * A cart as its events leave it. Decisions ({@link #add}, {@link #remove},
 * {@link #checkout}) check the rules against this state and return the event to append;
 * they change nothing themselves. Snapshots save and read its fields with Jackson. Not
 * thread-safe: each command loads its own.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
		isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class Cart {

	/** Most units of one product a cart takes. */
	static final int MAX_QUANTITY = 99;

	private final String id;

	private final Map<String, Integer> items = new LinkedHashMap<>();

	private boolean checkedOut;

	private long version;

	private Cart(String id) {
		this.id = id;
	}

	/** A cart as a snapshot saved it. */
	@JsonCreator
	private Cart(@JsonProperty("id") String id, @JsonProperty("items") Map<String, Integer> items,
			@JsonProperty("checkedOut") boolean checkedOut, @JsonProperty("version") long version) {
		this.id = id;
		this.items.putAll(items);
		this.checkedOut = checkedOut;
		this.version = version;
	}

	/** A cart that has no events yet. */
	static Cart empty(String id) {
		return new Cart(id);
	}

	/** The cart with one more of its events applied. */
	Cart apply(StoredEvent event) {
		// Types without a class come from newer versions of the app; they do not change
		// this view.
		Object payload = event.isTyped() ? event.payload() : null;
		if (payload instanceof ItemAdded added) {
			this.items.merge(added.sku(), added.quantity(), Integer::sum);
		}
		else if (payload instanceof ItemRemoved removed) {
			this.items.remove(removed.sku());
		}
		else if (payload instanceof CartCheckedOut) {
			this.checkedOut = true;
		}
		this.version = event.version();
		return this;
	}

	ItemAdded add(String sku, int quantity) {
		requireOpen("add items to");
		int total = this.items.getOrDefault(sku, 0) + quantity;
		if (total > MAX_QUANTITY) {
			throw new CartRuleViolation("A cart holds at most " + MAX_QUANTITY + " units of " + sku + "; it has "
					+ this.items.getOrDefault(sku, 0));
		}
		return new ItemAdded(sku, quantity);
	}

	ItemRemoved remove(String sku) {
		requireOpen("remove items from");
		Integer quantity = this.items.get(sku);
		if (quantity == null) {
			throw new CartRuleViolation("Cart " + this.id + " holds no " + sku);
		}
		return new ItemRemoved(sku, quantity);
	}

	CartCheckedOut checkout(@Nullable Customer customer) {
		requireOpen("check out");
		if (this.items.isEmpty()) {
			throw new CartRuleViolation("Cart " + this.id + " is empty; there is nothing to check out");
		}
		List<Line> lines = new ArrayList<>();
		this.items.forEach((sku, quantity) -> lines.add(new Line(sku, quantity)));
		return (customer != null) ? new CartCheckedOut(lines, customer.customerId(), customer.name(), customer.email())
				: new CartCheckedOut(lines);
	}

	private void requireOpen(String action) {
		if (this.checkedOut) {
			throw new CartRuleViolation("Cart " + this.id + " is checked out; cannot " + action + " it");
		}
	}

	public String id() {
		return this.id;
	}

	/** Units per product, in the order they were first added. */
	public Map<String, Integer> items() {
		return Collections.unmodifiableMap(this.items);
	}

	public boolean checkedOut() {
		return this.checkedOut;
	}

	/** The version of the cart's last event; 0 for a cart with none. */
	public long version() {
		return this.version;
	}

}
