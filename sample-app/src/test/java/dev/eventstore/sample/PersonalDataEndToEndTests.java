package dev.eventstore.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.personal.PersonalDataErased;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A checkout's customer name and e-mail over HTTP: stored encrypted, shown on the
 * receipt, erased with {@code DELETE /customers/{id}/personal-data}, after which no file
 * the sample writes holds them.
 */
class PersonalDataEndToEndTests extends SampleEndToEndTest {

	@Autowired
	EventStore store;

	/** Every file under the application's data directory, whole. */
	private List<String> everyFile() throws IOException {
		List<String> contents = new ArrayList<>();
		for (Path root : List.of(this.journal.getParent(), this.receipts)) {
			if (!Files.exists(root)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(root)) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					contents.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
				}
			}
		}
		return contents;
	}

	private JsonNode receipt(String cart) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/carts/" + cart + "/receipt").getStatusCode().value() == 200);
		return this.api.get("/carts/" + cart + "/receipt").getBody();
	}

	@Test
	void aCustomersNameAndEmailAreOnTheReceiptUntilErasedThenNowhere() throws IOException {
		this.api.addItem("pd-1", "apple", 2);
		assertThat(this.api
			.post("/carts/pd-1/checkout",
					Map.of("customerId", "cust-7", "name", "Ada Lovelace", "email", "ada@example.org"))
			.getStatusCode()
			.value()).isEqualTo(200);
		this.api.addItem("pd-2", "pear", 1);
		this.api.post("/carts/pd-2/checkout",
				Map.of("customerId", "cust-8", "name", "Grace Hopper", "email", "grace@example.org"));
		JsonNode checkout = receipt("pd-1").get("checkout");
		assertThat(checkout.get("name").asString()).isEqualTo("Ada Lovelace");
		assertThat(checkout.get("email").asString()).isEqualTo("ada@example.org");
		assertThat(Files.readString(this.journal)).doesNotContain("Ada Lovelace").doesNotContain("ada@example.org");
		receipt("pd-2");

		assertThat(this.api.delete("/customers/cust-7/personal-data").getStatusCode().value()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/carts/pd-1/receipt")
				.getBody()
				.get("checkout")
				.get("email")
				.asString()
				.equals("[erased]"));
		JsonNode rewritten = this.api.get("/carts/pd-1/receipt").getBody().get("checkout");
		assertThat(rewritten.get("name").isNull()).isTrue();
		assertThat(rewritten.get("customerId").asString()).isEqualTo("cust-7");
		assertThat(rewritten.get("lines").get(0).get("sku").asString()).isEqualTo("apple");
		assertThat(everyFile()).isNotEmpty()
			.noneMatch((content) -> content.contains("Ada Lovelace") || content.contains("ada@example.org"));
		assertThat(receipt("pd-2").get("checkout").get("name").asString()).as("other customers keep theirs")
			.isEqualTo("Grace Hopper");
		assertThat(this.store.readStream(PersonalDataErased.STREAM)).hasSize(1);
		assertThat(this.api.delete("/customers/cust-7/personal-data").getStatusCode().value())
			.as("erasing again is a no-op, still 204")
			.isEqualTo(204);
		assertThat(this.store.readStream(PersonalDataErased.STREAM)).hasSize(1);
	}

	@Test
	void aCheckoutWithoutABodyStillWorksAndABadBodyIsRefused() {
		this.api.addItem("pd-3", "apple", 1);
		assertThat(this.api.post("/carts/pd-3/checkout", (Map<String, Object>) null).getStatusCode().value())
			.isEqualTo(200);
		assertThat(receipt("pd-3").get("checkout").get("customerId").isNull()).isTrue();
		this.api.addItem("pd-4", "apple", 1);
		assertThat(this.api.post("/carts/pd-4/checkout", Map.of("name", "No Id", "email", "not-an-email"))
			.getStatusCode()
			.value()).isEqualTo(400);
		assertThat(this.api.get("/carts/pd-4").getBody().get("checkedOut").asBoolean()).isFalse();
	}

}
