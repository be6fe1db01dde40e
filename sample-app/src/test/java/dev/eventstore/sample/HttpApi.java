package dev.eventstore.sample;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** A small HTTP client for the sample's API that returns every response, error or not. */
final class HttpApi {

	private final RestClient client;

	private final String base;

	HttpApi(int port) {
		this.base = "http://localhost:" + port;
		this.client = RestClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

	ResponseEntity<JsonNode> get(String path) {
		return this.client.get().uri(path).retrieve().toEntity(JsonNode.class);
	}

	/** GETs a path and query already encoded, sent as they are. */
	ResponseEntity<JsonNode> getEncoded(String pathAndQuery) {
		return this.client.get().uri(URI.create(this.base + pathAndQuery)).retrieve().toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> addItem(String cart, String sku, int quantity) {
		return addItem(cart, Map.of("sku", sku, "quantity", quantity), null);
	}

	ResponseEntity<JsonNode> addItem(String cart, Map<String, Object> body, @Nullable String ifMatch) {
		RestClient.RequestBodySpec request = this.client.post()
			.uri("/carts/{id}/items", cart)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body);
		if (ifMatch != null) {
			request.header("If-Match", ifMatch);
		}
		return request.retrieve().toEntity(JsonNode.class);
	}

	ResponseEntity<JsonNode> removeItem(String cart, String sku) {
		return this.client.method(HttpMethod.DELETE)
			.uri("/carts/{id}/items/{sku}", cart, sku)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	/** DELETEs a path, answering the status only. */
	ResponseEntity<Void> delete(String path) {
		return this.client.method(HttpMethod.DELETE).uri(path).retrieve().toBodilessEntity();
	}

	ResponseEntity<JsonNode> checkout(String cart, @Nullable String ifMatch) {
		RestClient.RequestBodySpec request = this.client.post().uri("/carts/{id}/checkout", cart);
		if (ifMatch != null) {
			request.header("If-Match", ifMatch);
		}
		return request.retrieve().toEntity(JsonNode.class);
	}

	/**
	 * POSTs a command without a body, as a script or curl sends it:
	 * {@code Content-Type: application/json}.
	 */
	ResponseEntity<JsonNode> command(String path) {
		return this.client.post().uri(path).contentType(MediaType.APPLICATION_JSON).retrieve().toEntity(JsonNode.class);
	}

	/** POSTs a body of a content type, as a page of another site could. */
	ResponseEntity<JsonNode> post(String path, String contentType, String body) {
		return this.client.post()
			.uri(path)
			.header("Content-Type", contentType)
			.header("Origin", "https://elsewhere.example")
			.body(body)
			.retrieve()
			.toEntity(JsonNode.class);
	}

	/** POSTs a JSON body, or nothing at all (no content type either), to a path. */
	ResponseEntity<JsonNode> post(String path, @Nullable Map<String, Object> body) {
		RestClient.RequestBodySpec request = this.client.post().uri(path);
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.retrieve().toEntity(JsonNode.class);
	}

	/**
	 * The SKU totals report once the read model has caught up with a position: it is fed
	 * by a processor, a moment after the append.
	 */
	JsonNode reportAsOf(long position) {
		JsonNode[] report = new JsonNode[1];
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			report[0] = get("/reports/sku-totals").getBody();
			return report[0].get("asOfPosition").asLong() >= position;
		});
		return report[0];
	}

	double metric(String name) {
		JsonNode body = get("/actuator/metrics/" + name).getBody();
		return (body != null) ? body.get("measurements").get(0).get("value").asDouble() : Double.NaN;
	}

}
