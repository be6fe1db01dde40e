package dev.eventstore.spring.boot.events.scanned;

public record ItemAdded(String sku, int quantity) {
}
