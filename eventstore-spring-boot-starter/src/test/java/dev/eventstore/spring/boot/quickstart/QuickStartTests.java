package dev.eventstore.spring.boot.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Spring Boot quick start: the same code, and it works as the README says.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuickStartTests {

	private static final Path SOURCES = Path.of("src/test/java/dev/eventstore/spring/boot/quickstart");

	@TempDir
	Path dir;

	@Test
	void theQuickStartStoresAnEventAndItsListenerHearsOfIt(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(QuickStart.class).properties(
				"eventstore.persist-path=" + this.dir.resolve("events.ndjson"), "spring.main.banner-mode=off",
				// This module's tests have a JDBC driver-less DataSource on the class
				// path.
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
			.run()) {
			context.getBean(Carts.class).addItem("1", "apple", 2);
			EventStore store = context.getBean(EventStore.class);
			assertThat(store.readStream("cart-1")).singleElement()
				.satisfies((event) -> assertThat(event.payload()).isEqualTo(new ItemAdded("apple", 2)));
			assertThat(output).contains("Added 2 x apple");
		}
		assertThat(this.dir.resolve("events.ndjson")).content().contains("\"event_type\":\"ItemAdded\"");
	}

	@Test
	void theReadmeShowsExactlyTheTestedCode() throws IOException {
		StringBuilder tagged = new StringBuilder();
		for (String file : List.of("ItemAdded.java", "Carts.java", "AddedItems.java")) {
			Matcher region = Pattern.compile("// tag::quickstart\\[]\n(.*?)// end::quickstart\\[]", Pattern.DOTALL)
				.matcher(Files.readString(SOURCES.resolve(file)));
			assertThat(region.find()).as(file).isTrue();
			tagged.append((tagged.length() > 0) ? "\n" : "").append(region.group(1));
		}
		String readme = Files.readString(Path.of("..", "README.md"));
		Matcher snippet = Pattern
			.compile("<!-- compiled from " + Pattern.quote(SOURCES.toString()) + " -->\n```java\n(.*?)```",
					Pattern.DOTALL)
			.matcher(readme);
		assertThat(snippet.find()).as("README.md holds the snippet, marked with its source").isTrue();
		assertThat(lines(snippet.group(1))).isEqualTo(lines(tagged.toString()));
	}

	/**
	 * Lines with tabs as four spaces and trailing blanks dropped, as the README shows
	 * them.
	 */
	private static List<String> lines(String text) {
		return text.replace("\t", "    ").lines().map(String::stripTrailing).toList();
	}

}
