package dev.eventstore.spring.boot.events.scanned;

/** A plain class: neither a record nor annotated, so never mapped. */
public class NotAnEvent {

}
