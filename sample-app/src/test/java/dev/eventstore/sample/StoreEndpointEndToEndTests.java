package dev.eventstore.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-only {@code eventstore} actuator endpoint over a real HTTP port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StoreEndpointEndToEndTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void journal(DynamicPropertyRegistry registry) {
		registry.add("eventstore.persist-path", () -> dir.resolve("events.ndjson").toString());
		registry.add("sample.receipts-dir", () -> dir.resolve("receipts").toString());
	}

	@LocalServerPort
	int port;

	HttpApi api;

	@BeforeEach
	void client() {
		this.api = new HttpApi(this.port);
	}

	@Test
	void statusStreamsAStreamAndEventsArePagedReadOnly() {
		for (String cart : new String[] { "b1", "b2", "b3" }) {
			this.api.addItem(cart, "apple", 1);
		}
		this.api.addItem("b1", "pear", 2);
		JsonNode status = this.api.get("/actuator/eventstore").getBody();
		assertThat(status.get("state").asString()).isEqualTo("UP");
		assertThat(status.get("fsync").asString()).isEqualTo("ALWAYS");
		assertThat(status.get("streams").asLong()).isGreaterThanOrEqualTo(3);
		assertThat(status.get("lastPosition").asLong()).isGreaterThanOrEqualTo(4);

		JsonNode page = this.api.get("/actuator/eventstore/streams?prefix=cart-b&limit=2").getBody();
		assertThat(page.get("streams").toString()).isEqualTo("[\"cart-b1\",\"cart-b2\"]");
		assertThat(page.get("next").asString()).isEqualTo("cart-b2");
		JsonNode rest = this.api.get("/actuator/eventstore/streams?prefix=cart-b&limit=2&after=cart-b2").getBody();
		assertThat(rest.get("streams").toString()).isEqualTo("[\"cart-b3\"]");
		assertThat(rest.get("next").isNull()).isTrue();

		JsonNode stream = this.api.get("/actuator/eventstore/streams/cart-b1?from=2").getBody();
		assertThat(stream.get("version").asLong()).isEqualTo(2);
		assertThat(stream.get("events")).hasSize(1);
		assertThat(stream.get("events").get(0).get("data").get("sku").asString()).isEqualTo("pear");

		JsonNode log = this.api.get("/actuator/eventstore/events?from=1&limit=1").getBody();
		assertThat(log.get("events")).hasSize(1);
		assertThat(log.get("next").asLong()).isEqualTo(2);
		assertThat(status.get("lastPosition").asLong()).isPositive();
		assertThat(this.api.get("/actuator/eventstore/events/1").getBody().get("position").asLong()).isEqualTo(1);
	}

	@Test
	void badRequestsAnswerClearErrors() {
		assertThat(this.api.get("/actuator/eventstore/events/999999").getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.get("/actuator/eventstore/events/abc").getStatusCode().value()).isEqualTo(400);
		assertThat(this.api.get("/actuator/eventstore/streams/nope").getStatusCode().value()).isEqualTo(404);
		assertThat(this.api.get("/actuator/eventstore/streams?limit=5000").getStatusCode().value()).isEqualTo(400);
		assertThat(this.api.get("/actuator/eventstore/events?from=0").getStatusCode().value()).isEqualTo(400);
		assertThat(this.api.get("/actuator/eventstore/whatever").getStatusCode().value()).isEqualTo(404);
	}

}
