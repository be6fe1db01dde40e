package dev.eventstore.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every end-to-end test of the sample sets up: the application on a port of its own,
 * with a journal and a receipts directory of its own, and a client of its API. A subclass
 * that needs more properties declares its own {@code @SpringBootTest}. Each Spring
 * context gets a new directory when it is created, so that a context the test framework
 * caches for several classes keeps its files for as long as it runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
abstract class SampleEndToEndTest {

	@DynamicPropertySource
	static void files(DynamicPropertyRegistry registry) {
		Path dir;
		try {
			dir = Files.createTempDirectory("sample-e2e-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("eventstore.persist-path", () -> dir.resolve("events.ndjson").toString());
		registry.add("sample.receipts-dir", () -> dir.resolve("receipts").toString());
	}

	@LocalServerPort
	int port;

	/** The application's journal file. */
	@Value("${eventstore.persist-path}")
	Path journal;

	/** Where the application writes receipts. */
	@Value("${sample.receipts-dir}")
	Path receipts;

	HttpApi api;

	@BeforeEach
	void client() {
		this.api = new HttpApi(this.port);
	}

}
