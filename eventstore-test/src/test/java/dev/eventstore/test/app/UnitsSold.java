package dev.eventstore.test.app;

import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.spring.boot.processor.EventProcessor;

import org.springframework.stereotype.Component;

/** A read model fed by a processor. */
@Component
@EventProcessor("units-sold")
public class UnitsSold {

	private final AtomicInteger units = new AtomicInteger();

	public void on(ShopEvents.CheckedOut checkedOut) {
		this.units.addAndGet(checkedOut.units());
	}

	public int units() {
		return this.units.get();
	}

}
