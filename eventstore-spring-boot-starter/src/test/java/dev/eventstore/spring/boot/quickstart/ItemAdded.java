package dev.eventstore.spring.boot.quickstart;

import dev.eventstore.types.EventType;

// tag::quickstart[]
@EventType("ItemAdded")
record ItemAdded(String sku, int quantity) {
}
// end::quickstart[]
