package dev.eventstore.sample.cart;

import java.util.List;
import java.util.Map;

import dev.eventstore.StoredEvent;
import dev.eventstore.sample.cart.CartEvents.Customer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cart API. Responses carry the cart's version as an ETag; a client that sends it
 * back as If-Match makes its command conditional on the cart being unchanged since (409
 * otherwise).
 */
@RestController
@RequestMapping("/carts/{id}")

class CartController {

	private static final String ID = "[A-Za-z0-9_-]{1,64}";

	private final CartService carts;

	CartController(CartService carts) {
		this.carts = carts;
	}

	/** A request to add units of a product. */
	record AddItem(@NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,32}") String sku, @Min(1) @Max(99) int quantity) {
	}

	/** A cart as the API shows it. */
	record CartView(String id, Map<String, Integer> items, int totalQuantity, boolean checkedOut, long version) {

		static CartView of(Cart cart) {
			int total = cart.items().values().stream().mapToInt(Integer::intValue).sum();
			return new CartView(cart.id(), cart.items(), total, cart.checkedOut(), cart.version());
		}

	}

	@GetMapping
	ResponseEntity<CartView> get(@PathVariable @Pattern(regexp = ID) String id) {
		return view(this.carts.load(id));
	}

	@GetMapping("/events")
	List<StoredEvent> events(@PathVariable @Pattern(regexp = ID) String id) {
		return this.carts.events(id);
	}

	@PostMapping("/items")
	ResponseEntity<CartView> addItem(@PathVariable @Pattern(regexp = ID) String id, @Valid @RequestBody AddItem item,
			@RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch) {
		return view(this.carts.addItem(id, item.sku(), item.quantity(), ETags.version(ifMatch)));
	}

	@DeleteMapping("/items/{sku}")
	ResponseEntity<CartView> removeItem(@PathVariable @Pattern(regexp = ID) String id, @PathVariable String sku,
			@RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch) {
		return view(this.carts.removeItem(id, sku, ETags.version(ifMatch)));
	}

	/**
	 * Who checks out, optionally: the name and e-mail are personal data of the customer.
	 */
	record CheckoutRequest(@NotBlank @Pattern(regexp = ID) String customerId, @Size(max = 200) @Nullable String name,
			@Email @Size(max = 200) @Nullable String email) {
	}

	@PostMapping("/checkout")
	ResponseEntity<CartView> checkout(@PathVariable @Pattern(regexp = ID) String id,
			@RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch,
			@RequestBody(required = false) @Valid @Nullable CheckoutRequest customer) {
		Customer who = (customer != null) ? new Customer(customer.customerId(), customer.name(), customer.email())
				: null;
		return view(this.carts.checkout(id, ETags.version(ifMatch), who));
	}

	private static ResponseEntity<CartView> view(Cart cart) {
		return ResponseEntity.ok().eTag(ETags.of(cart.version())).body(CartView.of(cart));
	}

}
