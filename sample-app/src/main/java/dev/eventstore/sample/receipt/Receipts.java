package dev.eventstore.sample.receipt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import dev.eventstore.StoredEvent;
import dev.eventstore.sample.cart.CartEvents.CartCheckedOut;
import dev.eventstore.spring.boot.processor.EventProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Writes one receipt file for each checked-out cart, exactly once across restarts and
 * crashes. The {@code receipts} processor keeps a durable checkpoint beside the journal,
 * so it resumes after the last checkout it handled; delivery after a crash is
 * at-least-once, so the write itself is idempotent: a receipt is named by its cart and
 * appears whole (written to a temporary file, forced, renamed) or not at all, and a
 * receipt already there is left as it is.
 */
@Component
@EventProcessor("receipts")
public class Receipts {

	private static final Log logger = LogFactory.getLog(Receipts.class);

	private final Path directory;

	private final JsonMapper json;

	Receipts(@Value("${sample.receipts-dir:./data/receipts}") Path directory, JsonMapper json) {
		this.directory = directory;
		this.json = json;
	}

	/** A cart's receipt. */
	public record Receipt(String cartId, long position, String eventId, CartCheckedOut checkout) {
	}

	public void on(CartCheckedOut checkedOut, StoredEvent event) throws IOException {
		String cartId = event.streamId().startsWith("cart-") ? event.streamId().substring(5) : event.streamId();
		Path file = file(cartId);
		if (Files.exists(file)) {
			return;
		}
		Files.createDirectories(this.directory);
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		byte[] bytes = this.json
			.writeValueAsBytes(new Receipt(cartId, event.position(), event.id().toString(), checkedOut));
		Files.write(temporary, bytes);
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
		logger.info("Receipt written for cart " + cartId);
	}

	/**
	 * A cart's receipt.
	 * @param cartId the cart
	 * @return the receipt, empty until the processor has written it
	 */
	public Optional<Receipt> find(String cartId) {
		Path file = file(cartId);
		if (!Files.exists(file)) {
			return Optional.empty();
		}
		try {
			return Optional.of(this.json.readValue(Files.readAllBytes(file), Receipt.class));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Path file(String cartId) {
		// Cart ids are validated by the controller: letters, digits, '-' and '_'.
		return this.directory.resolve(cartId + ".json");
	}

}
