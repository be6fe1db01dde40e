package dev.eventstore.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample's durable processors, watched and operated over the actuator endpoint. */
class ProcessorsEndToEndTests extends SampleEndToEndTest {

	@Autowired
	EventStore store;

	@Test
	void theEndpointListsBothProcessorsWithTheirStateCheckpointLagAndLastError() {
		this.api.addItem("listed", "apple", 1);
		long last = this.store.lastPosition();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> processors().stream()
				.allMatch((p) -> p.get("checkpoint").asLong() >= last && p.get("state").asString().equals("RUNNING")));
		List<JsonNode> processors = processors();
		assertThat(processors).extracting((p) -> p.get("name").asString()).containsExactly("receipts", "sku-totals");
		for (JsonNode processor : processors) {
			assertThat(processor.propertyNames()).contains("name", "state", "checkpoint", "lag", "lastError");
			assertThat(processor.get("lag").asLong()).isZero();
			assertThat(processor.get("lastError").isNull()).isTrue();
		}
		JsonNode one = this.api.get("/actuator/eventprocessors/sku-totals").getBody();
		assertThat(one.get("name").asString()).isEqualTo("sku-totals");
	}

	@Test
	void badCommandsAnswerClearErrors() {
		assertThat(this.api.get("/actuator/eventprocessors/nope").getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.command("/actuator/eventprocessors/nope/pause").getStatusCode().value()).isEqualTo(404);
		var beyond = this.api.command("/actuator/eventprocessors/sku-totals/reset/" + (this.store.lastPosition() + 2));
		assertThat(beyond.getStatusCode().value()).isEqualTo(400);
		assertThat(beyond.getBody().get("error").asString()).contains("Cannot reset processor 'sku-totals'");
		assertThat(this.api.command("/actuator/eventprocessors/sku-totals/jump").getStatusCode().value())
			.isEqualTo(400);
		assertThat(this.api.post("/actuator/eventprocessors/sku-totals", Map.of("position", 1)).getStatusCode().value())
			.as("a command without an action")
			.isEqualTo(400);
		assertThat(this.api.post("/actuator/eventprocessors/sku-totals", Map.of("action", "reset", "position", -1))
			.getStatusCode()
			.value()).isEqualTo(400);
		var skip = this.api.command("/actuator/eventprocessors/receipts/skip");
		assertThat(skip.getStatusCode().value()).isEqualTo(409);
		assertThat(skip.getBody().get("error").asString()).contains("nothing to skip");
	}

	@Test
	void resettingTheReadModelRebuildsTheSameReport() {
		this.api.addItem("rebuilt", "rebuilt-kiwi", 3);
		this.api.checkout("rebuilt", null);
		JsonNode before = this.api.reportAsOf(this.store.lastPosition());
		var reset = this.api.command("/actuator/eventprocessors/sku-totals/reset");
		assertThat(reset.getStatusCode().value()).isEqualTo(200);
		assertThat(this.api.reportAsOf(this.store.lastPosition()).get("skus")).isEqualTo(before.get("skus"));
	}

	/**
	 * The report counts the whole log: a replay from a later position after clearing it
	 * would count only part (found by an operator script resetting to random positions:
	 * the report then disagreed with the journal). It refuses such a reset, and nothing
	 * changes.
	 */
	@Test
	void theReadModelRefusesAResetToALaterPositionAndKeepsItsReport() {
		this.api.addItem("partial", "partial-fig", 2);
		this.api.addItem("partial", "partial-fig", 1);
		this.api.checkout("partial", null);
		JsonNode before = this.api.reportAsOf(this.store.lastPosition());
		var reset = this.api.command("/actuator/eventprocessors/sku-totals/reset/" + this.store.lastPosition());
		assertThat(reset.getStatusCode().value()).isEqualTo(409);
		assertThat(reset.getBody().get("error").asString()).contains("refused the reset")
			.contains("from the beginning only");
		assertThat(this.api.reportAsOf(this.store.lastPosition()).get("skus")).isEqualTo(before.get("skus"));
		assertThat(this.api.command("/actuator/eventprocessors/sku-totals/reset/1").getStatusCode().value())
			.isEqualTo(200);
		assertThat(this.api.reportAsOf(this.store.lastPosition()).get("skus")).isEqualTo(before.get("skus"));
	}

	@Test
	void noRequestAPageOfAnotherSiteCanSendChangesAProcessor() {
		String[] paths = { "/actuator/eventprocessors/sku-totals/pause", "/actuator/eventprocessors/sku-totals/reset",
				"/actuator/eventprocessors/sku-totals/skip", "/actuator/eventprocessors/sku-totals?action=pause",
				"/actuator/eventprocessors/sku-totals/reset/1" };
		for (String path : paths) {
			// What a form, an image or a fetch without preflight can send: no body, or a
			// body of a "simple" content type.
			assertThat(this.api.post(path, null).getStatusCode().value()).as(path).isEqualTo(415);
			assertThat(this.api.post(path, "text/plain", "{\"action\":\"pause\"}").getStatusCode().value()).as(path)
				.isEqualTo(415);
			assertThat(this.api.post(path, "application/x-www-form-urlencoded", "action=pause").getStatusCode().value())
				.as(path)
				.isEqualTo(415);
			assertThat(this.api.post(path, "multipart/form-data; boundary=x", "--x--").getStatusCode().value()).as(path)
				.isEqualTo(415);
		}
		var refused = this.api.post("/actuator/eventprocessors/sku-totals", "text/plain", "{\"action\":\"pause\"}");
		assertThat(refused.getBody().get("error").asString()).contains("Content-Type: application/json");
		assertThat(this.api.get("/actuator/eventprocessors/sku-totals").getBody().get("state").asString())
			.isIn("RUNNING", "CATCHING_UP");
	}

	@Test
	void pausedProcessorsFallBehindAndCatchUpWhenResumed() {
		assertThat(this.api.command("/actuator/eventprocessors/sku-totals/pause").getBody().get("state").asString())
			.isEqualTo("PAUSED");
		this.api.addItem("paused", "paused-fig", 2);
		JsonNode paused = this.api.get("/actuator/eventprocessors/sku-totals").getBody();
		assertThat(paused.get("lag").asLong()).isPositive();
		this.api.command("/actuator/eventprocessors/sku-totals/resume");
		assertThat(this.api.reportAsOf(this.store.lastPosition()).toString()).contains("paused-fig");
	}

	@Test
	void aCheckoutGetsExactlyOneReceiptEvenWhenTheReceiptsAreReplayed() throws Exception {
		this.api.addItem("receipted", "apple", 2);
		this.api.checkout("receipted", null);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/carts/receipted/receipt").getStatusCode().value() == 200);
		JsonNode receipt = this.api.get("/carts/receipted/receipt").getBody();
		assertThat(receipt.get("cartId").asString()).isEqualTo("receipted");
		assertThat(receipt.get("checkout").get("lines").get(0).get("sku").asString()).isEqualTo("apple");
		Path file = this.receipts.resolve("receipted.json");
		FileTime written = Files.getLastModifiedTime(file);
		String content = Files.readString(file);

		assertThat(this.api.post("/actuator/eventprocessors/receipts", Map.of("action", "reset", "position", 1))
			.getStatusCode()
			.value()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.api.get("/actuator/eventprocessors/receipts").getBody().get("lag").asLong() == 0);
		assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
		assertThat(Files.readString(file)).isEqualTo(content);
		try (Stream<Path> files = Files.list(this.receipts)) {
			assertThat(files.map((f) -> f.getFileName().toString())).doesNotHaveDuplicates()
				.allMatch((name) -> name.endsWith(".json"));
		}
		assertThat(this.api.get("/carts/nobody/receipt").getStatusCode().value()).isEqualTo(404);
	}

	private List<JsonNode> processors() {
		List<JsonNode> list = new ArrayList<>();
		this.api.get("/actuator/eventprocessors").getBody().get("processors").forEach(list::add);
		return list;
	}

}
