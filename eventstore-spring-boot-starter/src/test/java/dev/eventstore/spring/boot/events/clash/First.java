package dev.eventstore.spring.boot.events.clash;

import dev.eventstore.types.EventType;

@EventType("cart-opened")
public record First(String id) {
}
