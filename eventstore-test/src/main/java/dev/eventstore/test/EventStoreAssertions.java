package dev.eventstore.test;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Processor;

/**
 * Entry point of the AssertJ assertions on event stores: <pre class="code">
 * assertThat(store).stream("cart-1").containsExactlyTypes("ItemAdded", "CartCheckedOut");
 * assertThat(store).stream("cart-1").lastEvent().hasPayload(new CartCheckedOut(lines));
 * assertThat(processor).catchesUpWithin(Duration.ofSeconds(5));
 * </pre> Import its {@code assertThat} methods statically beside AssertJ's.
 *
 * @since 0.2.0
 */
public final class EventStoreAssertions {

	private EventStoreAssertions() {
	}

	/**
	 * Assertions on a store.
	 * @param store the store
	 * @return the assertions
	 */
	public static EventStoreAssert assertThat(EventStore store) {
		return new EventStoreAssert(store);
	}

	/**
	 * Assertions on one stored event.
	 * @param event the event
	 * @return the assertions
	 */
	public static StoredEventAssert assertThat(StoredEvent event) {
		return new StoredEventAssert(event);
	}

	/**
	 * Assertions on a durable processor, including waiting for it to catch up.
	 * @param processor the processor
	 * @return the assertions
	 */
	public static ProcessorAssert assertThat(Processor processor) {
		return new ProcessorAssert(processor);
	}

}
