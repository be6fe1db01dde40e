package dev.eventstore.sample.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
import dev.eventstore.sample.cart.CartEvents.ItemRemoved;
import dev.eventstore.sample.cart.CartEvents.Line;
import dev.eventstore.spring.boot.processor.EventProcessor;
import dev.eventstore.spring.boot.processor.ResetHandler;

import org.springframework.stereotype.Component;

/**
 * A read model: units of each product sitting in open carts and units sold. The
 * {@code sku-totals} processor feeds it every event in order, once, from the beginning of
 * the journal at each start (its checkpoint is in memory, as the model is), then live; an
 * operator's reset to the beginning clears it and replays (a reset to a later position is
 * refused). Thread-safe.
 */
@Component
@EventProcessor(value = "sku-totals", checkpoints = EventProcessor.Checkpoints.MEMORY)
public class SkuTotals {

	private final Map<String, long[]> totals = new TreeMap<>();

	/** A product's totals. */
	public record Totals(String sku, long inOpenCarts, long sold) {
	}

	/** Every product's totals, by SKU. */
	public synchronized List<Totals> totals() {
		List<Totals> skus = new ArrayList<>();
		this.totals.forEach((sku, t) -> skus.add(new Totals(sku, t[0], t[1])));
		return skus;
	}

	public synchronized void on(ItemAdded added) {
		of(added.sku())[0] += added.quantity();
	}

	public synchronized void on(ItemRemoved removed) {
		of(removed.sku())[0] -= removed.quantity();
	}

	public synchronized void on(CartCheckedOut checkedOut) {
		for (Line line : checkedOut.lines()) {
			long[] t = of(line.sku());
			t[0] -= line.quantity();
			t[1] += line.quantity();
		}
	}

	/**
	 * Clears the totals for a replay of the whole log. A replay from a later position
	 * would count only part of it, so the model refuses one: the operator's reset answers
	 * that, and nothing changes.
	 * @param fromPosition the first position delivered again
	 */
	@ResetHandler
	public synchronized void reset(long fromPosition) {
		if (fromPosition > 1) {
			throw new IllegalArgumentException("the SKU totals are rebuilt from the beginning only (reset to "
					+ "position 1): a replay from position " + fromPosition + " would count only part of the log");
		}
		this.totals.clear();
	}

	private long[] of(String sku) {
		return this.totals.computeIfAbsent(sku, (s) -> new long[2]);
	}

}
