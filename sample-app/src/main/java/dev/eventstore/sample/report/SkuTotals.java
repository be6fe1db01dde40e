package dev.eventstore.sample.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.sample.cart.CartEvents.ItemAdded;
import dev.eventstore.sample.cart.CartEvents.ItemRemoved;
import dev.eventstore.sample.cart.CartEvents.Line;
import dev.eventstore.spring.boot.events.StoredApplicationEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A read model: units of each product sitting in open carts and units sold. It is rebuilt
 * from the journal when the application starts, then kept current by an
 * {@code @EventListener}. It remembers the last position it applied, so replay and live
 * events never count twice and a gap is filled from the store. Thread-safe.
 */
@Component
public class SkuTotals {

	private static final int PAGE = 1_000;

	private final EventStore store;

	private final Map<String, long[]> totals = new TreeMap<>();

	private long position;

	SkuTotals(EventStore store) {
		this.store = store;
		catchUp(Long.MAX_VALUE);
	}

	/** A product's totals. */
	public record Totals(String sku, long inOpenCarts, long sold) {
	}

	/** The report as of a position in the log. */
	public record Report(long asOfPosition, List<Totals> skus) {
	}

	public synchronized Report report() {
		List<Totals> skus = new ArrayList<>();
		this.totals.forEach((sku, t) -> skus.add(new Totals(sku, t[0], t[1])));
		return new Report(this.position, skus);
	}

	@EventListener
	synchronized void on(StoredApplicationEvent<?> published) {
		StoredEvent event = published.event();
		if (event.position() <= this.position) {
			return;
		}
		if (event.position() > this.position + 1) {
			catchUp(event.position() - 1);
		}
		apply(event);
	}

	private synchronized void catchUp(long upTo) {
		while (this.position < upTo) {
			List<StoredEvent> page = this.store.readAll(this.position + 1, PAGE);
			if (page.isEmpty()) {
				return;
			}
			for (StoredEvent event : page) {
				if (event.position() > upTo) {
					return;
				}
				apply(event);
			}
		}
	}

	private void apply(StoredEvent event) {
		Object payload = event.isTyped() ? event.payload() : null;
		if (payload instanceof ItemAdded added) {
			of(added.sku())[0] += added.quantity();
		}
		else if (payload instanceof ItemRemoved removed) {
			of(removed.sku())[0] -= removed.quantity();
		}
		else if (payload instanceof CartCheckedOut checkedOut) {
			for (Line line : checkedOut.lines()) {
				long[] t = of(line.sku());
				t[0] -= line.quantity();
				t[1] += line.quantity();
			}
		}
		this.position = event.position();
	}

	private long[] of(String sku) {
		return this.totals.computeIfAbsent(sku, (s) -> new long[2]);
	}

}
