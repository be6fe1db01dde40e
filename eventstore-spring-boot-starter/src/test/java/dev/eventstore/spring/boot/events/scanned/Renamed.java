package dev.eventstore.spring.boot.events.scanned;

import dev.eventstore.types.EventType;

@EventType(value = "item-renamed", aliases = "item-retitled")
public record Renamed(String name) {
}
