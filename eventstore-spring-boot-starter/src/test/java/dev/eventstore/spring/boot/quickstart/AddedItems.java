package dev.eventstore.spring.boot.quickstart;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

// tag::quickstart[]
@Component
class AddedItems {

	private static final Log logger = LogFactory.getLog(AddedItems.class);

	@EventListener
	void on(ItemAdded added) {
		logger.info("Added " + added.quantity() + " x " + added.sku());
	}

}
// end::quickstart[]
