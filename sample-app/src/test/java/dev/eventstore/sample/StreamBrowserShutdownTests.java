package dev.eventstore.sample;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser following live events must not hold up the application's graceful shutdown
 * (Spring Boot waits up to 30 seconds for open requests, and a server-sent-event stream
 * never ends by itself).
 */
class StreamBrowserShutdownTests {

	@TempDir
	Path dir;

	@Test
	void anOpenLiveStreamEndsWhenTheApplicationStopsInsteadOfHoldingItsShutdown() throws Exception {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--eventstore.persist-path=" + this.dir.resolve("events.ndjson"),
				"--sample.receipts-dir=" + this.dir.resolve("receipts"), "--spring.main.banner-mode=off",
				"--eventstore.ui.enabled=true", "--eventstore.ui.path=/browser");
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpResponse<InputStream> live = client
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/browser/api/live"))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		assertThat(live.statusCode()).isEqualTo(200);
		BufferedReader lines = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8));
		assertThat(lines.readLine()).startsWith(":following events from position");

		CompletableFuture<Void> stopping = CompletableFuture.runAsync(app::close);
		CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
			try {
				while (lines.readLine() != null) {
					// Nothing else is sent before the stream ends.
				}
			}
			catch (java.io.IOException ex) {
				// A reset connection ends the stream too.
			}
		});

		// Graceful shutdown would wait 30 s for the open request; 15 s leaves room for a
		// slow machine.
		ended.get(15, TimeUnit.SECONDS);
		stopping.get(15, TimeUnit.SECONDS);
		assertThat(app.isActive()).isFalse();
	}

}
