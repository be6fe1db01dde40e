package dev.eventstore.sample.receipt;

import dev.eventstore.EventStore;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's right to erasure: their name and e-mail in every checkout become
 * unreadable at once (their key is destroyed; no event is rewritten), and the
 * {@code receipts} processor rewrites their receipts. Answers 204 whether or not there
 * was anything to erase: erasing is idempotent.
 */
@RestController
class CustomerController {

	private final EventStore store;

	CustomerController(EventStore store) {
		this.store = store;
	}

	@DeleteMapping("/customers/{customerId}/personal-data")
	ResponseEntity<Void> erase(@PathVariable @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String customerId) {
		this.store.erasePersonalData(customerId);
		return ResponseEntity.noContent().build();
	}

}
