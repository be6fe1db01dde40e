package dev.eventstore.spring.boot.app;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstore.types.EventType;
import dev.eventstore.spring.boot.events.StoredApplicationEvent;
import dev.eventstore.StoredEvent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;

/**
 * An application that uses the starter the way users do: listeners for stored and typed
 * events. It has no database (the JDBC starter is on the test class path for the
 * PostgreSQL tests).
 */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class TestApplication {

	@EventType("ItemAdded")
	public record ItemAdded(String sku, int quantity) {
	}

	@EventType("cart-checked-out")
	public record CartCheckedOut(String cartId) {
	}

	/** Records what the listeners heard, in order. */
	public static class Heard {

		public final List<String> log = new CopyOnWriteArrayList<>();

	}

	@Bean
	Heard heard() {
		return new Heard();
	}

	@Bean
	Listeners listeners(Heard heard) {
		return new Listeners(heard);
	}

	public static class Listeners {

		private final Heard heard;

		Listeners(Heard heard) {
			this.heard = heard;
		}

		@EventListener
		@Order(1)
		public void onStored(StoredApplicationEvent<?> event) {
			this.heard.log.add("stored " + event.position() + " " + event.event().type());
		}

		@EventListener
		@Order(2)
		public void failOnPoison(StoredApplicationEvent<?> event) {
			if (event.event().type().equals("Poison")) {
				throw new IllegalStateException("listener cannot digest " + event.position());
			}
		}

		@EventListener
		@Order(3)
		public void afterThePoisonousOne(StoredApplicationEvent<?> event) {
			this.heard.log.add("later listener " + event.position());
		}

		@EventListener
		@Order(4)
		public void onItemAdded(ItemAdded event) {
			this.heard.log.add("typed " + event);
		}

		@EventListener
		@Order(5)
		public void onItemAddedWithItsEnvelope(StoredApplicationEvent<ItemAdded> event) {
			this.heard.log.add("envelope " + event.position() + " " + event.streamId() + " v" + event.version() + " "
					+ event.getPayload().sku());
		}

		@EventListener
		@Order(4)
		public void onCheckedOut(CartCheckedOut event) {
			this.heard.log.add("typed " + event);
		}

		@EventListener
		@Order(6)
		public void onUntyped(StoredEvent event) {
			this.heard.log.add("untyped " + event.type());
		}

	}

}
