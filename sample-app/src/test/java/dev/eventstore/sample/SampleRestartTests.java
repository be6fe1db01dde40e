package dev.eventstore.sample;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping and starting the application keeps every cart and the read model. */
class SampleRestartTests {

	@TempDir
	Path dir;

	@Test
	void secondStartOnTheSameJournalSeesTheSameCartsAndReport() {
		Path journal = this.dir.resolve("events.ndjson");
		JsonNode cartBefore;
		JsonNode reportBefore;
		try (ConfigurableApplicationContext first = start(journal)) {
			HttpApi api = new HttpApi(port(first));
			api.addItem("kept", "apple", 2);
			api.addItem("kept", "pear", 1);
			api.addItem("sold", "apple", 5);
			api.checkout("sold", null);
			cartBefore = api.get("/carts/kept").getBody();
			reportBefore = api.reportAsOf(4);
		}
		try (ConfigurableApplicationContext second = start(journal)) {
			HttpApi api = new HttpApi(port(second));
			assertThat(api.get("/carts/kept").getBody()).isEqualTo(cartBefore);
			assertThat(api.reportAsOf(4)).isEqualTo(reportBefore);
			assertThat(reportBefore.get("asOfPosition").asLong()).isEqualTo(4);
			api.addItem("kept", "apple", 1);
			JsonNode report = api.reportAsOf(5);
			assertThat(report.get("asOfPosition").asLong()).isEqualTo(5);
			assertThat(report.get("skus").get(0).get("inOpenCarts").asLong()).isEqualTo(3);
			assertThat(report.get("skus").get(0).get("sold").asLong()).isEqualTo(5);
		}
	}

	private static ConfigurableApplicationContext start(Path journal) {
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--eventstore.persist-path=" + journal, "--sample.receipts-dir=" + journal.resolveSibling("receipts"),
				"--spring.main.banner-mode=off");
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
