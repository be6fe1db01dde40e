package dev.eventstore.processor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstore.StoredEvent;

/** Remembers what it was given, in order. */
class RecordingHandler implements EventHandler {

	final List<Long> positions = new CopyOnWriteArrayList<>();

	final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

	final List<Long> resets = new CopyOnWriteArrayList<>();

	@Override
	public void handle(StoredEvent event, Delivery delivery) throws Exception {
		this.positions.add(event.position());
		this.deliveries.add(delivery);
	}

	@Override
	public void reset(long fromPosition) {
		this.resets.add(fromPosition);
	}

}
