package dev.eventstore.sample.cart;

import dev.eventstore.spring.boot.metrics.SnapshotMetrics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cart snapshots' counters, tagged {@code state=cart}. */
@Configuration(proxyBeanMethods = false)
class CartMetrics {

	@Bean
	SnapshotMetrics cartSnapshotMetrics(CartService carts) {
		return new SnapshotMetrics("cart", carts.snapshots());
	}

}
