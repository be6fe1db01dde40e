package dev.eventstore.spring.boot.events.scanned.other;

public record Shared(String b) {
}
