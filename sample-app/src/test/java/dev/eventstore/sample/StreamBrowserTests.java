package dev.eventstore.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlAnchor;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTextInput;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream browser, used as a person would, in a browser that runs the page's
 * JavaScript (HtmlUnit) against the app on a real port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "eventstore.ui.enabled=true", "eventstore.ui.path=/browser" })
class StreamBrowserTests extends SampleEndToEndTest {

	@Autowired
	EventStore store;

	@Test
	void searchOpenAStreamAndSeeALiveEventArrive() throws Exception {
		HttpApi api = this.api;
		api.addItem("ui-1", "apple", 2);
		api.addItem("ui-2", "kiwi", 1);
		try (WebClient browser = new WebClient()) {
			browser.getOptions().setThrowExceptionOnScriptError(true);
			HtmlPage page = browser.getPage("http://localhost:" + this.port + "/browser");
			browser.waitForBackgroundJavaScript(2_000);
			HtmlTextInput prefix = page.getHtmlElementById("prefix");
			prefix.type("cart-ui-");
			page.<HtmlElement>getHtmlElementById("search").click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("streams").asNormalizedText().contains("cart-ui-2"));
			assertThat(page.getHtmlElementById("streams").asNormalizedText()).contains("cart-ui-1");
			HtmlAnchor stream = page.getFirstByXPath("//ul[@id='streams']//a[text()='cart-ui-1']");
			stream.click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("title").asNormalizedText().equals("Stream cart-ui-1"));
			assertThat(page.getHtmlElementById("events").asNormalizedText()).contains("cart-ui-1@1", "ItemAdded",
					"\"sku\": \"apple\"");

			api.addItem("ui-3", "live-fig", 3);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> page.getHtmlElementById("live").asNormalizedText().contains("live-fig"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("processors").asNormalizedText().contains("sku-totals"));
		}
	}

	@Test
	void streamsWhoseIdsHoldSlashesAndOtherReservedCharactersOpen() throws Exception {
		List<String> ids = List.of("slash/tenant/1", "slash/half%2F?x#y&z", "slash/../up");
		for (String id : ids) {
			this.store.append(id, NewEvent.of("Noted", Map.of("note", "in " + id)));
		}
		try (WebClient browser = new WebClient()) {
			browser.getOptions().setThrowExceptionOnScriptError(true);
			HtmlPage page = browser.getPage("http://localhost:" + this.port + "/browser");
			page.<HtmlTextInput>getHtmlElementById("prefix").type("slash/");
			page.<HtmlElement>getHtmlElementById("search").click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getElementsByTagName("a")
					.stream()
					.filter((a) -> ids.contains(a.getTextContent()))
					.count() == ids.size());
			for (String id : ids) {
				HtmlAnchor stream = page.getElementsByTagName("a")
					.stream()
					.filter((a) -> a.getTextContent().equals(id))
					.map(HtmlAnchor.class::cast)
					.findFirst()
					.orElseThrow();
				stream.click();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> page.getHtmlElementById("title").asNormalizedText().equals("Stream " + id));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> page.getHtmlElementById("events").asNormalizedText().contains("in " + id));
			}
		}
		// The API's path form takes the rest of the path as the id.
		JsonNode byPath = this.api.getEncoded("/browser/api/streams/slash/tenant/1").getBody();
		assertThat(byPath.get("events").get(0).get("streamId").asString()).isEqualTo("slash/tenant/1");
	}

	@Test
	void anEventsTagsShowBesideItsTimestamp() throws Exception {
		this.store.append("tagged-1", NewEvent.of("Noted", Map.of("note", "tagged")).withTags("sku:gold-1", "cart:9"));
		try (WebClient browser = new WebClient()) {
			browser.getOptions().setThrowExceptionOnScriptError(true);
			HtmlPage page = browser.getPage("http://localhost:" + this.port + "/browser");
			page.<HtmlTextInput>getHtmlElementById("prefix").type("tagged-");
			page.<HtmlElement>getHtmlElementById("search").click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("streams").asNormalizedText().contains("tagged-1"));
			page.<HtmlAnchor>getFirstByXPath("//ul[@id='streams']//a[text()='tagged-1']").click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("events").asNormalizedText().contains("tags sku:gold-1, cart:9"));
		}
		JsonNode event = this.api.getEncoded("/browser/api/streams/tagged-1").getBody().get("events").get(0);
		assertThat(event.get("tags").get(0).asString()).isEqualTo("sku:gold-1");
	}

	@Test
	void markupInStreamIdsAndPayloadsRendersAsText() throws Exception {
		this.store.append("x<b>bold</b>", NewEvent.of("Note", Map.of("note", "<script>window.pwned = true</script>",
				"html", "<img src=x onerror=\"window.pwned=true\">")));
		try (WebClient browser = new WebClient()) {
			HtmlPage page = browser.getPage("http://localhost:" + this.port + "/browser");
			HtmlTextInput prefix = page.getHtmlElementById("prefix");
			prefix.type("x<b>");
			page.<HtmlElement>getHtmlElementById("search").click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("streams").asNormalizedText().contains("x<b>bold</b>"));
			HtmlAnchor stream = page.getFirstByXPath("//ul[@id='streams']//a");
			stream.click();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> page.getHtmlElementById("events").asNormalizedText().contains("<script>window.pwned"));
			assertThat(page.getElementsByTagName("b")).isEmpty();
			assertThat(page.getElementsByTagName("img")).isEmpty();
			assertThat(page.executeJavaScript("window.pwned").getJavaScriptResult()).isNotEqualTo(Boolean.TRUE);
		}
	}

}
