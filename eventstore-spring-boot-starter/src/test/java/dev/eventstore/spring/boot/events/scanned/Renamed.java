package dev.eventstore.spring.boot.events.scanned;

import dev.eventstore.EventType;

@EventType("item-renamed")
public record Renamed(String name) {
}
