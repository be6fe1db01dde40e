package dev.eventstore.spring.boot.events.clash;

import dev.eventstore.EventType;

@EventType("cart-opened")
public record Second(String id) {
}
