package dev.eventstore.sample.cart;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Products with a limited stock, shared by every cart: {@code sample.stock.<sku>=<units>}
 * caps the units of that SKU checked out across all carts.
 *
 * @param stock the units of each limited SKU; an SKU not listed is unlimited
 */
@ConfigurationProperties("sample")
public record StockLimits(Map<String, Integer> stock) {

	public StockLimits {
		stock = (stock != null) ? Map.copyOf(stock) : Map.of();
		stock.forEach((sku, units) -> {
			if (units == null || units < 0) {
				throw new IllegalArgumentException("sample.stock." + sku + " must be 0 or more units, was " + units);
			}
		});
	}

	/** No limits. */
	public static StockLimits none() {
		return new StockLimits(Map.of());
	}

}
