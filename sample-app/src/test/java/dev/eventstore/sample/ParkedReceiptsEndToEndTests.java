package dev.eventstore.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventstore.processor.ProcessorSegments;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's receipts run in 4 segments and park a checkout whose receipt keeps failing
 * (a cart holding the SKU "fail-receipt"): other carts' receipts are written, in the same
 * segment too; the endpoint, the metric and the stream browser show the parked checkout;
 * a retry that fails again is a 409, a discard clears it.
 */
class ParkedReceiptsEndToEndTests extends SampleEndToEndTest {

	@Test
	void aReceiptThatKeepsFailingIsParkedAndTheOtherCartsReceiptsAreWritten() throws Exception {
		// Same segment as the jammed cart, and another one.
		assertThat(ProcessorSegments.of("cart-other", 4)).isEqualTo(ProcessorSegments.of("cart-jammed", 4));
		assertThat(ProcessorSegments.of("cart-fine", 4)).isNotEqualTo(ProcessorSegments.of("cart-jammed", 4));
		this.api.addItem("jammed", "fail-receipt", 1);
		assertThat(this.api.checkout("jammed", null).getStatusCode().value()).isEqualTo(200);
		for (String cart : List.of("other", "fine")) {
			this.api.addItem(cart, "apple", 2);
			assertThat(this.api.checkout(cart, null).getStatusCode().value()).isEqualTo(200);
		}
		for (String cart : List.of("other", "fine")) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.api.get("/carts/" + cart + "/receipt").getStatusCode().value() == 200);
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.api.get("/actuator/eventprocessors/receipts").getBody().get("parked").asInt() == 1);
		JsonNode receipts = this.api.get("/actuator/eventprocessors/receipts").getBody();
		assertThat(receipts.get("state").asString()).isEqualTo("RUNNING");
		List<JsonNode> segments = new ArrayList<>();
		receipts.get("segments").forEach(segments::add);
		assertThat(segments).hasSize(4).allSatisfy((segment) -> {
			assertThat(segment.propertyNames()).contains("segment", "owner", "state", "checkpoint", "lag");
			assertThat(segment.get("owner").isNull()).isFalse();
		});
		assertThat(this.api.get("/carts/jammed/receipt").getStatusCode().value()).isEqualTo(404);

		JsonNode parked = this.api.get("/actuator/eventprocessors/receipts/parked").getBody().get("parked");
		assertThat(parked).hasSize(1);
		JsonNode checkout = parked.get(0);
		assertThat(checkout.get("streamId").asString()).isEqualTo("cart-jammed");
		assertThat(checkout.get("type").asString()).isEqualTo("CartCheckedOut");
		assertThat(checkout.get("attempts").asInt()).isEqualTo(5);
		assertThat(checkout.get("error").asString()).contains("fail-receipt");
		assertThat(checkout.get("heldBehind").isNull()).isTrue();
		long position = checkout.get("position").asLong();
		assertThat(this.api.get("/actuator/metrics/eventstore.processor.parked?tag=processor:receipts")
			.getBody()
			.get("measurements")
			.get(0)
			.get("value")
			.asDouble()).isEqualTo(1.0);

		try (WebClient browser = new WebClient()) {
			browser.getOptions().setThrowExceptionOnScriptError(true);
			HtmlPage page = browser.getPage("http://localhost:" + this.port + "/eventstore");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("processors")
					.asNormalizedText()
					.contains("#" + position + " cart-jammed CartCheckedOut (5 attempts)"));
			assertThat(page.getHtmlElementById("processors").asNormalizedText()).contains("segment 3: RUNNING");
		}

		var retry = this.api.command("/actuator/eventprocessors/receipts/parked/" + position + "/retry");
		assertThat(retry.getStatusCode().value()).isEqualTo(409);
		assertThat(retry.getBody().get("error").asString()).contains("failed again and stays parked");
		assertThat(this.api.command("/actuator/eventprocessors/receipts/parked/" + (position + 99) + "/retry")
			.getStatusCode()
			.value()).isEqualTo(404);
		assertThat(this.api.command("/actuator/eventprocessors/receipts/parked/x/retry").getStatusCode().value())
			.isEqualTo(400);
		var discard = this.api.command("/actuator/eventprocessors/receipts/parked/" + position + "/discard");
		assertThat(discard.getStatusCode().value()).isEqualTo(200);
		assertThat(discard.getBody().get("parked").asInt()).isZero();
		assertThat(this.api.get("/actuator/eventprocessors/receipts/parked").getBody().get("parked")).isEmpty();
		assertThat(this.api.command("/actuator/eventprocessors/receipts/parked/" + position + "/discard")
			.getStatusCode()
			.value()).isEqualTo(404);
	}

}
