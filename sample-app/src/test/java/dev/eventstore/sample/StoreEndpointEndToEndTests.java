package dev.eventstore.sample;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventLimits;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-only {@code eventstore} actuator endpoint over a real HTTP port. */
class StoreEndpointEndToEndTests extends SampleEndToEndTest {

	@Autowired
	EventStore store;

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
	void everyStreamIdIsReachableWhateverItsCharacters() {
		List<String> ids = List.of("tenant/7/cart-1", "a/b/", "/lead", "half%2Fslash", "spaced out?yes#no&x=1", "..",
				"dots/../up", "x;matrix=1", "ünï/ċödé");
		for (String id : ids) {
			this.store.append(id, NewEvent.of("Noted", Map.of("id", id)));
		}
		for (String id : ids) {
			var byQuery = this.api
				.getEncoded("/actuator/eventstore/streams?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
			assertThat(byQuery.getStatusCode().value()).as(id).isEqualTo(200);
			assertThat(byQuery.getBody().get("streamId").asString()).isEqualTo(id);
			assertThat(byQuery.getBody().get("events").get(0).get("data").get("id").asString()).isEqualTo(id);
		}
		JsonNode byPath = this.api.getEncoded("/actuator/eventstore/streams/tenant/7/cart-1").getBody();
		assertThat(byPath.get("streamId").asString()).isEqualTo("tenant/7/cart-1");
		assertThat(byPath.get("events")).hasSize(1);
		assertThat(this.api.getEncoded("/actuator/eventstore/streams?id=tenant%2F7").getStatusCode().value())
			.isEqualTo(404);
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

	/**
	 * A stream id the store refuses (blank, or over its length limit), and the browser's
	 * stream API asked without an id: a 400 saying so, where each was a 500 (found by
	 * sending the endpoints random paths and parameters).
	 */
	@Test
	void aStreamIdTheStoreRefusesOrNoIdAtAllIs400SayingWhy() {
		String overlong = "a".repeat(EventLimits.MAX_STREAM_ID_LENGTH + 1);
		for (String path : List.of("/actuator/eventstore/streams/%20", "/actuator/eventstore/streams?id=%0D%0A",
				"/actuator/eventstore/streams/" + overlong, "/actuator/eventstore/streams?id=" + overlong,
				"/eventstore/api/streams/%20", "/eventstore/api/stream?id=%20", "/eventstore/api/streams/" + overlong,
				"/eventstore/api/stream?id=" + overlong)) {
			var response = this.api.getEncoded(path);
			assertThat(response.getStatusCode().value()).as(path).isEqualTo(400);
			assertThat(response.getBody().toString()).as(path).containsAnyOf("blank", "longer than the limit");
		}
		var noId = this.api.getEncoded("/eventstore/api/stream");
		assertThat(noId.getStatusCode().value()).isEqualTo(400);
		assertThat(noId.getBody().toString()).contains("id=");
	}

}
