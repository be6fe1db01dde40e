package dev.eventstore.sample.cart;

import java.time.Duration;
import java.util.List;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.Customer;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
import dev.eventstore.sample.cart.CartEvents.ItemRemoved;
import dev.eventstore.sample.cart.CartEvents.Line;
import dev.eventstore.sample.report.SkuTotals;
import dev.eventstore.spring.boot.processor.EventProcessors;
import dev.eventstore.test.CommandScenario;
import dev.eventstore.test.autoconfigure.EventStoreTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static dev.eventstore.test.EventStoreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cart's commands, given/when/then, on the {@code @EventStoreTest} slice: an
 * in-memory store with the application's event types and upcasters, and its processors.
 */
@EventStoreTest
@Import(CartService.class)
@TestPropertySource(properties = "sample.receipts-dir=target/receipts-of-cart-commands-tests")
class CartCommandsTests {

	@Autowired
	EventStore store;

	@Autowired
	CartService carts;

	@Autowired
	EventProcessors processors;

	@Autowired
	SkuTotals skuTotals;

	@Test
	void addingToANewCartStartsIt() {
		CommandScenario.on(this.store)
			.when(() -> this.carts.addItem("new", "apple", 2, null))
			.thenAppended("cart-new", new ItemAdded("apple", 2));
	}

	@Test
	void checkingOutRecordsEveryLineTaggedWithItsProduct() {
		// Expected as a NewEvent, its tags are checked too: they are what the stock
		// limit's
		// conditional append queries.
		CommandScenario.on(this.store)
			.given("cart-full", new ItemAdded("apple", 2), new ItemAdded("pear", 1), new ItemAdded("apple", 1))
			.when(() -> this.carts.checkout("full", null))
			.thenAppended("cart-full",
					NewEvent.of(new CartCheckedOut(List.of(new Line("apple", 3), new Line("pear", 1))))
						.withTags("sku:apple", "sku:pear"));
	}

	@Test
	void checkingOutForACustomerRecordsTheirPersonalDataAndTheirErasureReplacesIt() {
		CommandScenario.on(this.store)
			.given("cart-bought", new ItemAdded("apple", 1))
			.when(() -> this.carts.checkout("bought", null, new Customer("customer-7", "Ada", "ada@example.org")))
			.thenAppended("cart-bought",
					new CartCheckedOut(List.of(new Line("apple", 1)), "customer-7", "Ada", "ada@example.org"));
		assertThat(this.store.readStream("cart-bought").get(1).data().get("name").toString()).startsWith("pd1:");
		assertThat(this.store.erasePersonalData("customer-7")).isTrue();
		assertThat(this.store.readStream("cart-bought").get(1).payload())
			.isEqualTo(new CartCheckedOut(List.of(new Line("apple", 1)), "customer-7", null, "[erased]"));
	}

	@Test
	void anEmptyCartCannotBeCheckedOutAndNothingIsAppended() {
		CommandScenario.on(this.store)
			.given("cart-emptied", new ItemAdded("apple", 1), new ItemRemoved("apple", 1))
			.when(() -> this.carts.checkout("emptied", null))
			.thenFailsWith(CartRuleViolation.class)
			.hasMessage("Cart emptied is empty; there is nothing to check out");
	}

	@Test
	void aCheckedOutCartTakesNoMoreItems() {
		CommandScenario.on(this.store)
			.given("cart-done", new ItemAdded("apple", 1), new CartCheckedOut(List.of(new Line("apple", 1))))
			.when(() -> this.carts.addItem("done", "pear", 1, null))
			.thenFailsWith(CartRuleViolation.class)
			.hasMessageContaining("is checked out");
	}

	@Test
	void anUnknownCartIsNotFound() {
		CommandScenario.on(this.store).when(() -> this.carts.checkout("ghost", null)).thenFailsWith(CartNotFound.class);
	}

	@Test
	void theReadModelProcessorCountsWhatTheCommandsDid() {
		this.carts.addItem("counted", "slice-fig", 3, null);
		this.carts.checkout("counted", null);
		assertThat(this.processors.find("sku-totals").orElseThrow()).catchesUpWithin(Duration.ofSeconds(10));
		assertThat(this.skuTotals.totals()).contains(new SkuTotals.Totals("slice-fig", 0, 3));
		assertThat(this.store).stream("cart-counted")
			.containsExactlyTypes(ItemAdded.class, CartCheckedOut.class)
			.lastEvent()
			.hasPayload(new CartCheckedOut(List.of(new Line("slice-fig", 3))));
	}

}
