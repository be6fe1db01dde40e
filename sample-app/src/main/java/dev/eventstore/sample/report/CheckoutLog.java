package dev.eventstore.sample.report;

import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reacts to checkouts as they happen, through a typed listener: the starter hands it the
 * payload record, converted from the stored event. (A real shop would send a confirmation
 * here.)
 */
@Component
class CheckoutLog {

	private static final Log logger = LogFactory.getLog(CheckoutLog.class);

	@EventListener
	void on(CartCheckedOut checkedOut) {
		int units = checkedOut.lines().stream().mapToInt((line) -> line.quantity()).sum();
		logger.info("Checked out " + checkedOut.lines().size() + " products, " + units + " units");
	}

}
