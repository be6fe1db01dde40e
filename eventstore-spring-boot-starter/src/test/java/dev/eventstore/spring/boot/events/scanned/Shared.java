package dev.eventstore.spring.boot.events.scanned;

public record Shared(int a) {
}
