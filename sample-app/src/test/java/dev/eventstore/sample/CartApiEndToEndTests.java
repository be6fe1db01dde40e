package dev.eventstore.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

class CartApiEndToEndTests extends SampleEndToEndTest {

	@Autowired
	EventStore store;

	@Test
	void fullCartFlow() {
		ResponseEntity<JsonNode> added = this.api.addItem("flow", "apple", 2);
		assertThat(added.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(added.getHeaders().getETag()).isEqualTo("\"1\"");
		this.api.addItem("flow", "pear", 1);
		this.api.addItem("flow", "apple", 3);

		JsonNode cart = this.api.get("/carts/flow").getBody();
		assertThat(cart.get("items").get("apple").asInt()).isEqualTo(5);
		assertThat(cart.get("items").get("pear").asInt()).isEqualTo(1);
		assertThat(cart.get("totalQuantity").asInt()).isEqualTo(6);
		assertThat(cart.get("version").asLong()).isEqualTo(3);

		JsonNode removed = this.api.removeItem("flow", "pear").getBody();
		assertThat(removed.get("items").has("pear")).isFalse();

		ResponseEntity<JsonNode> checkedOut = this.api.checkout("flow", "\"4\"");
		assertThat(checkedOut.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(checkedOut.getBody().get("checkedOut").asBoolean()).isTrue();
		assertThat(checkedOut.getHeaders().getETag()).isEqualTo("\"5\"");

		JsonNode events = this.api.get("/carts/flow/events").getBody();
		List<String> types = new ArrayList<>();
		events.forEach((event) -> types.add(event.get("type").asString()));
		assertThat(types).containsExactly("ItemAdded", "ItemAdded", "ItemAdded", "ItemRemoved", "CartCheckedOut");
		assertThat(events.get(4).get("streamId").asString()).isEqualTo("cart-flow");
		assertThat(events.get(4).get("version").asLong()).isEqualTo(5);
		assertThat(events.get(4).get("data").get("lines").get(0).get("sku").asString()).isEqualTo("apple");
		assertThat(events.get(4).get("data").get("lines").get(0).get("quantity").asInt()).isEqualTo(5);
	}

	@Test
	void concurrentAddsWithoutIfMatchAllSucceedAndAddUp() throws Exception {
		int threads = 8;
		int perThread = 6;
		java.util.List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		try {
			java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				String sku = "sku-" + t;
				done.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						statuses.add(this.api.addItem("busy", sku, 1).getStatusCode().value());
					}
				}));
			}
			for (java.util.concurrent.Future<?> future : done) {
				future.get(60, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(statuses).hasSize(threads * perThread).containsOnly(200);
		JsonNode cart = this.api.get("/carts/busy").getBody();
		assertThat(cart.get("totalQuantity").asInt()).isEqualTo(threads * perThread);
		assertThat(cart.get("version").asLong()).isEqualTo(threads * perThread);
		for (int thread = 0; thread < threads; thread++) {
			assertThat(cart.get("items").get("sku-" + thread).asInt()).isEqualTo(perThread);
		}
	}

	@Test
	void concurrencyConflictIs409WithBothVersions() {
		this.api.addItem("race", "apple", 1);
		this.api.addItem("race", "pear", 1);
		ResponseEntity<JsonNode> stale = this.api.addItem("race", Map.of("sku", "plum", "quantity", 1), "\"1\"");
		assertProblem(stale, HttpStatus.CONFLICT, "Concurrent modification");
		assertThat(stale.getBody().get("expectedVersion").asLong()).isEqualTo(1);
		assertThat(stale.getBody().get("actualVersion").asLong()).isEqualTo(2);
		assertThat(stale.getBody().get("streamId").asString()).isEqualTo("cart-race");
		assertThat(this.api.get("/carts/race").getBody().get("items").has("plum")).isFalse();
	}

	@Test
	void ruleViolationsAre422() {
		this.api.addItem("rules", "apple", 1);
		this.api.removeItem("rules", "apple");
		ResponseEntity<JsonNode> emptyCheckout = this.api.checkout("rules", null);
		assertProblem(emptyCheckout, HttpStatus.UNPROCESSABLE_CONTENT, "Cart rule violated");
		assertThat(emptyCheckout.getBody().get("detail").asString()).contains("empty");
		assertProblem(this.api.removeItem("rules", "kiwi"), HttpStatus.UNPROCESSABLE_CONTENT, "Cart rule violated");

		this.api.addItem("rules", "apple", 1);
		this.api.checkout("rules", null);
		ResponseEntity<JsonNode> afterCheckout = this.api.addItem("rules", "apple", 1);
		assertProblem(afterCheckout, HttpStatus.UNPROCESSABLE_CONTENT, "Cart rule violated");
		assertThat(afterCheckout.getBody().get("detail").asString()).contains("checked out");
		assertThat(this.api.get("/carts/rules").getBody().get("version").asLong()).isEqualTo(4);
	}

	@Test
	void limitedStockIsSharedByAllCartsAndACheckoutBeyondItIs409NamingTheSku() {
		// application.properties: sample.stock.gold-1=10
		this.api.addItem("stock-a", "gold-1", 8);
		assertThat(this.api.checkout("stock-a", null).getStatusCode().is2xxSuccessful()).isTrue();
		this.api.addItem("stock-b", "gold-1", 3);
		ResponseEntity<JsonNode> refused = this.api.checkout("stock-b", null);
		assertProblem(refused, HttpStatus.CONFLICT, "Out of stock");
		assertThat(refused.getBody().get("sku").asString()).isEqualTo("gold-1");
		assertThat(refused.getBody().get("available").asInt()).isEqualTo(2);
		assertThat(this.api.get("/carts/stock-b").getBody().get("version").asLong()).isEqualTo(1);
		this.api.addItem("stock-c", "gold-1", 2);
		assertThat(this.api.checkout("stock-c", null).getStatusCode().is2xxSuccessful()).isTrue();
	}

	@Test
	void badInputIs400NamingTheFieldAtFault() {
		ResponseEntity<JsonNode> badBody = this.api.addItem("input", Map.of("sku", "", "quantity", 0), null);
		assertProblem(badBody, HttpStatus.BAD_REQUEST, "Bad request");
		assertThat(fields(badBody)).contains("sku", "quantity");

		ResponseEntity<JsonNode> badId = this.api.get("/carts/not valid!");
		assertProblem(badId, HttpStatus.BAD_REQUEST, "Bad request");
		assertThat(fields(badId)).containsExactly("id");

		ResponseEntity<JsonNode> badIfMatch = this.api.addItem("input", Map.of("sku", "apple", "quantity", 1), "soon");
		assertProblem(badIfMatch, HttpStatus.BAD_REQUEST, "Bad request");
		assertThat(fields(badIfMatch)).containsExactly("If-Match");

		assertProblem(this.api.get("/carts/input"), HttpStatus.NOT_FOUND, "Cart not found");
	}

	@Test
	void unknownCartIs404() {
		assertProblem(this.api.get("/carts/ghost"), HttpStatus.NOT_FOUND, "Cart not found");
		assertProblem(this.api.get("/carts/ghost/events"), HttpStatus.NOT_FOUND, "Cart not found");
		assertProblem(this.api.checkout("ghost", null), HttpStatus.NOT_FOUND, "Cart not found");
		assertProblem(this.api.removeItem("ghost", "apple"), HttpStatus.NOT_FOUND, "Cart not found");
	}

	@Test
	void readModelCountsOpenAndSoldUnitsAsOfTheLatestPosition() {
		this.api.addItem("report-1", "report-fig", 4);
		this.api.addItem("report-2", "report-fig", 1);
		this.api.checkout("report-1", null);
		JsonNode report = this.api.reportAsOf(this.store.lastPosition());
		assertThat(report.get("asOfPosition").asLong()).isEqualTo(this.store.lastPosition());
		JsonNode fig = null;
		for (JsonNode sku : report.get("skus")) {
			if (sku.get("sku").asString().equals("report-fig")) {
				fig = sku;
			}
		}
		assertThat(fig).isNotNull();
		assertThat(fig.get("inOpenCarts").asLong()).isEqualTo(1);
		assertThat(fig.get("sold").asLong()).isEqualTo(4);
	}

	@Test
	void cartSnapshotsAreSavedAndUsedAndCounted() {
		double saved = this.api.metric("eventstore.snapshots.saved");
		for (int i = 0; i < 7; i++) {
			this.api.addItem("snapshotted", "fig", 1);
		}
		assertThat(this.api.get("/carts/snapshotted").getBody().get("items").get("fig").asInt()).isEqualTo(7);
		assertThat(this.api.metric("eventstore.snapshots.saved")).isEqualTo(saved + 1);
		assertThat(this.api.metric("eventstore.snapshots.used")).isPositive();
		assertThat(this.journal.resolveSibling("events.ndjson.snapshots")).isDirectoryContaining("glob:**.snapshot");
	}

	@Test
	void metricsMoveWithAppendsAndConflicts() {
		double appends = this.api.metric("eventstore.events.appended");
		double conflicts = this.api.metric("eventstore.conflicts");
		this.api.addItem("metrics", "apple", 1);
		this.api.addItem("metrics", "apple", 1);
		this.api.addItem("metrics", Map.of("sku", "apple", "quantity", 1), "\"1\"");
		assertThat(this.api.metric("eventstore.events.appended")).isEqualTo(appends + 2);
		assertThat(this.api.metric("eventstore.conflicts")).isEqualTo(conflicts + 1);
		assertThat(this.api.metric("eventstore.position")).isEqualTo(this.store.lastPosition());
		JsonNode health = this.api.get("/actuator/health").getBody();
		assertThat(health.get("components").get("eventstore").get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("eventstore").get("details").get("fsync").asString())
			.isEqualTo("ALWAYS");
	}

	@Test
	void ofTwoRacingCheckoutsWithTheSameVersionExactlyOneWins() throws Exception {
		this.api.addItem("contended", "apple", 1);
		String version = this.api.get("/carts/contended").getHeaders().getETag();
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ResponseEntity<JsonNode>>> racers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				racers.add(pool.submit(() -> {
					start.await();
					return this.api.checkout("contended", version);
				}));
			}
			start.countDown();
			List<HttpStatus> statuses = new ArrayList<>();
			for (Future<ResponseEntity<JsonNode>> racer : racers) {
				statuses.add(HttpStatus.valueOf(racer.get(30, TimeUnit.SECONDS).getStatusCode().value()));
			}
			assertThat(statuses).containsExactlyInAnyOrder(HttpStatus.OK, HttpStatus.CONFLICT);
		}
		finally {
			pool.shutdownNow();
		}
		JsonNode events = this.api.get("/carts/contended/events").getBody();
		assertThat(events).hasSize(2);
	}

	@Test
	void ofTwoRacingAddsWithTheSameVersionExactlyOneWins() throws Exception {
		this.api.addItem("contended-add", "apple", 1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ResponseEntity<JsonNode>>> racers = new ArrayList<>();
			for (String sku : List.of("pear", "plum")) {
				racers.add(pool.submit(() -> {
					start.await();
					return this.api.addItem("contended-add", Map.of("sku", sku, "quantity", 1), "\"1\"");
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<ResponseEntity<JsonNode>> racer : racers) {
				statuses.add(racer.get(30, TimeUnit.SECONDS).getStatusCode().value());
			}
			assertThat(statuses).containsExactlyInAnyOrder(200, 409);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.api.get("/carts/contended-add").getBody().get("items").size()).isEqualTo(2);
	}

	private static void assertProblem(ResponseEntity<JsonNode> response, HttpStatus status, String title) {
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getHeaders().getContentType()).isNotNull();
		assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.as("problem+json, was %s", response.getHeaders().getContentType())
			.isTrue();
		assertThat(response.getBody().get("status").asInt()).isEqualTo(status.value());
		assertThat(response.getBody().get("title").asString()).isEqualTo(title);
		assertThat(response.getBody().get("detail").asString()).isNotBlank();
	}

	private static List<String> fields(ResponseEntity<JsonNode> response) {
		List<String> fields = new ArrayList<>();
		response.getBody().get("errors").forEach((error) -> fields.add(error.get("field").asString()));
		return fields;
	}

}
