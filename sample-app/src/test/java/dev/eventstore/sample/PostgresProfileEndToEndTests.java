package dev.eventstore.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.eventstore.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the sample with its {@code postgres} profile on one real PostgreSQL,
 * as a user runs them behind a load balancer: the stock limit holds across both (ten
 * units of {@code gold-1} sold in all, checkouts racing through both), the receipts
 * processor's segments run on both and every checkout gets its receipt, and a customer
 * erased through one instance is erased on the other.
 */
class PostgresProfileEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private final List<HttpApi> apis = new ArrayList<>();

	@BeforeEach
	void startTwoInstances() {
		String prefix = "sample" + System.nanoTime() + "_";
		for (int i = 0; i < 2; i++) {
			// Arguments, as a user starts an instance: they win over the profile's file.
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("postgres")
				.run("--server.port=0", "--spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl(),
						"--spring.datasource.username=postgres", "--eventstore.postgres.table-prefix=" + prefix,
						"--sample.receipts-dir=" + this.dir.resolve("receipts"),
						"--eventstore.processors.receipts.ownership-check=200ms");
			this.instances.add(context);
			this.apis.add(new HttpApi(((WebServerApplicationContext) context).getWebServer().getPort()));
		}
	}

	@AfterEach
	void stop() {
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void twoInstancesShareOneStoreItsStockLimitItsReceiptsAndItsErasures() throws Exception {
		// Twelve carts of two gold-1 each, checked out at once through both instances:
		// five
		// fit in the stock of ten.
		ExecutorService clients = Executors.newFixedThreadPool(6);
		List<Future<Integer>> checkouts = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			HttpApi api = this.apis.get(i % 2);
			String cart = "pg-gold-" + i;
			checkouts.add(clients.submit(() -> {
				api.addItem(cart, "gold-1", 2);
				return api.checkout(cart, null).getStatusCode().value();
			}));
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> checkout : checkouts) {
			statuses.add(checkout.get());
		}
		clients.shutdown();
		assertThat(statuses).containsOnly(200, 409);
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(5);

		HttpApi one = this.apis.get(0);
		HttpApi other = this.apis.get(1);
		one.addItem("pg-ada", "apple", 1);
		assertThat(one
			.post("/carts/pg-ada/checkout",
					Map.of("customerId", "cust-pg", "name", "Ada Lovelace", "email", "ada@example.org"))
			.getStatusCode()
			.value()).isEqualTo(200);
		// Every checkout gets its receipt, whichever instance runs its cart's segment.
		await().atMost(WAIT).until(() -> receiptFiles() == 6);
		assertThat(other.get("/carts/pg-ada/receipt").getBody().at("/checkout/name").asString())
			.isEqualTo("Ada Lovelace");
		// The segments are spread: each instance runs some and not all.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(List.of(segmentsRunHere(one), segmentsRunHere(other)))
				.allSatisfy((count) -> assertThat(count).isBetween(1, 3)));

		assertThat(other.delete("/customers/cust-pg/personal-data").getStatusCode().value()).isEqualTo(204);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(one.get("/carts/pg-ada/receipt").getBody().at("/checkout/email").asString())
				.isEqualTo("[erased]"));
		assertThat(one.get("/carts/pg-ada/events").getBody().toString()).doesNotContain("ada@example.org");
		// The other instance knows too: erasing again is the no-op it is everywhere.
		assertThat(one.delete("/customers/cust-pg/personal-data").getStatusCode().value()).isEqualTo(204);
		JsonNode report = other.reportAsOf(other.get("/actuator/eventstore").getBody().get("lastPosition").asLong());
		assertThat(report.toString()).contains("\"sku\":\"gold-1\"", "\"sold\":10");
	}

	private long receiptFiles() throws IOException {
		Path receipts = this.dir.resolve("receipts");
		if (!Files.isDirectory(receipts)) {
			return 0;
		}
		try (var files = Files.list(receipts)) {
			return files.filter((file) -> file.toString().endsWith(".json")).count();
		}
	}

	/**
	 * How many of the receipts processor's segments an instance runs (both instances are
	 * in this JVM, so the owner's name does not tell them apart; the state does).
	 */
	private static int segmentsRunHere(HttpApi api) {
		int here = 0;
		for (JsonNode processor : api.get("/actuator/eventprocessors").getBody().get("processors")) {
			if (processor.get("name").asString().equals("receipts")) {
				for (JsonNode segment : processor.get("segments")) {
					here += segment.get("state").asString().equals("NOT_OWNER") ? 0 : 1;
				}
			}
		}
		return here;
	}

}
