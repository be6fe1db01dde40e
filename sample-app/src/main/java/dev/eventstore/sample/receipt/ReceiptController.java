package dev.eventstore.sample.receipt;

import jakarta.validation.constraints.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
class ReceiptController {

	private final Receipts receipts;

	ReceiptController(Receipts receipts) {
		this.receipts = receipts;
	}

	@GetMapping("/carts/{id}/receipt")
	Receipts.Receipt receipt(@PathVariable @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String id) {
		return this.receipts.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"Cart '" + id + "' has no receipt (yet): it is written once the cart is checked out"));
	}

}
