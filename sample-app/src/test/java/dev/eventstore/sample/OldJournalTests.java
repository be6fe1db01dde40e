package dev.eventstore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal written by the first version of the app, whose ItemAdded said "qty" (kept in
 * {@code fixtures/journal-v1.ndjson}, written with that version's jar): it still loads,
 * upcast on read, and replays to the same carts and report.
 */
class OldJournalTests {

	@TempDir
	Path dir;

	@Test
	void aJournalOfTheFirstVersionReplaysToTheSameCarts() throws IOException {
		Path journal = this.dir.resolve("events.ndjson");
		try (InputStream fixture = getClass().getResourceAsStream("/fixtures/journal-v1.ndjson")) {
			Files.copy(fixture, journal);
		}
		byte[] asWritten = Files.readAllBytes(journal);
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--eventstore.persist-path=" + journal,
				"--sample.receipts-dir=" + journal.resolveSibling("receipts"), "--spring.main.banner-mode=off")) {
			HttpApi api = new HttpApi(((WebServerApplicationContext) app).getWebServer().getPort());
			JsonNode alice = api.get("/carts/alice").getBody();
			assertThat(alice.get("items").get("apple").asInt()).isEqualTo(5);
			assertThat(alice.get("items").has("pear")).isFalse();
			assertThat(alice.get("checkedOut").asBoolean()).isTrue();
			assertThat(alice.get("version").asLong()).isEqualTo(5);
			assertThat(api.get("/carts/bob").getBody().get("items").get("plum").asInt()).isEqualTo(4);
			JsonNode events = api.get("/carts/alice/events").getBody();
			assertThat(events.get(0).get("data").get("quantity").asInt()).isEqualTo(2);
			assertThat(events.get(0).get("revision").asInt()).isEqualTo(2);
			assertThat(events.get(0).propertyNames()).containsExactly("position", "streamId", "version", "type",
					"revision", "data", "metadata", "timestamp", "id");
			JsonNode report = api.reportAsOf(6);
			assertThat(report.get("asOfPosition").asLong()).isEqualTo(6);
			assertThat(report.toString()).contains("{\"sku\":\"apple\",\"inOpenCarts\":0,\"sold\":5}")
				.contains("{\"sku\":\"plum\",\"inOpenCarts\":4,\"sold\":0}");
			api.addItem("bob", "plum", 1);
			assertThat(api.get("/carts/bob").getBody().get("items").get("plum").asInt()).isEqualTo(5);
		}
		// The journal is never rewritten: the old lines are as they were.
		byte[] after = Files.readAllBytes(journal);
		assertThat(java.util.Arrays.copyOf(after, asWritten.length)).isEqualTo(asWritten);
	}

}
