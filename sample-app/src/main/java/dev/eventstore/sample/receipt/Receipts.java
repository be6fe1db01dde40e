package dev.eventstore.sample.receipt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.processor.Delivery;
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
 *
 * <p>
 * It runs in 4 segments (carts are handled in parallel, each cart's events in order) and
 * parks a checkout whose receipt keeps failing, so one bad cart never holds up the others
 * (see {@code application.properties}); a cart holding the SKU {@value #FAILING_SKU}
 * shows it.
 */
@Component
@EventProcessor("receipts")
public class Receipts {

	private static final Log logger = LogFactory.getLog(Receipts.class);

	/**
	 * A demo switch: the receipt of a cart holding this SKU always fails, so that its
	 * checkout is parked (after the retries) while other carts' receipts go on.
	 */
	static final String FAILING_SKU = "fail-receipt";

	private final Path directory;

	private final JsonMapper json;

	private final EventStore store;

	private final PersonalDataProtection personalData;

	Receipts(@Value("${sample.receipts-dir:./data/receipts}") Path directory, JsonMapper json, EventStore store,
			PersonalDataProtection personalData) {
		this.directory = directory;
		this.json = json;
		this.store = store;
		this.personalData = personalData;
	}

	/** A cart's receipt. */
	public record Receipt(String cartId, long position, String eventId, CartCheckedOut checkout) {
	}

	public void on(CartCheckedOut checkedOut, StoredEvent event) throws IOException {
		String cartId = event.streamId().startsWith("cart-") ? event.streamId().substring(5) : event.streamId();
		if (checkedOut.lines().stream().anyMatch((line) -> FAILING_SKU.equals(line.sku()))) {
			throw new IllegalStateException("The receipt of cart " + cartId + " cannot be written: it holds SKU '"
					+ FAILING_SKU + "', the sample's switch for a receipt that always fails");
		}
		Path file = file(cartId);
		if (Files.exists(file)) {
			return;
		}
		Files.createDirectories(this.directory);
		write(file, new Receipt(cartId, event.position(), event.id().toString(), checkedOut));
		logger.info("Receipt written for cart " + cartId);
	}

	/**
	 * Writes a receipt whole or not at all: temporary file, forced, renamed over. The
	 * temporary file's name is fixed, so that one a crash left behind is overwritten by
	 * the receipt's next write rather than kept.
	 */
	private void write(Path file, Receipt receipt) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.write(temporary, this.json.writeValueAsBytes(receipt));
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/**
	 * A customer's personal data was erased: every receipt of theirs is written again
	 * from its checkout event, which now reads with the replacements, so that no file of
	 * the sample keeps the name or e-mail. Every segment of the processor gets the
	 * erasure after its own earlier checkouts and rewrites the receipts of its own carts,
	 * so a receipt it was still writing is rewritten too, and no two segments write one
	 * file. Idempotent, like the receipts themselves.
	 */
	public void on(PersonalDataErased erased, Delivery delivery) throws IOException {
		if (!Files.isDirectory(this.directory)) {
			return;
		}
		List<Path> files;
		try (Stream<Path> listed = Files.list(this.directory)) {
			files = listed.filter((file) -> file.getFileName().toString().endsWith(".json")).toList();
		}
		for (Path file : files) {
			Receipt receipt = this.json.readValue(Files.readAllBytes(file), Receipt.class);
			String customerId = receipt.checkout().customerId();
			if (customerId == null || !this.personalData.subjectReference(customerId).equals(erased.subject())) {
				continue;
			}
			StoredEvent checkout = this.store.readAll(receipt.position(), 1).get(0);
			if (!delivery.owns(checkout.streamId())) {
				continue;
			}
			write(file, new Receipt(receipt.cartId(), receipt.position(), receipt.eventId(),
					checkout.payload(CartCheckedOut.class)));
			logger.info("Receipt of cart " + receipt.cartId() + " rewritten: its customer's personal data was erased");
		}
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
