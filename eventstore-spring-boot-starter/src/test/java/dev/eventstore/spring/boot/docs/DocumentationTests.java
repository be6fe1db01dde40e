package dev.eventstore.spring.boot.docs;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.eventstore.spring.boot.processor.ProcessorSettings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and the reference pages under {@code docs/}: every link resolves, and the
 * configuration reference names exactly the properties the starter has.
 */
class DocumentationTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

	private static final Pattern FENCE = Pattern.compile("```.*?```", Pattern.DOTALL);

	@Test
	void everyLinkOfTheReadmeTheChangelogAndTheDocsResolves() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path page : pages()) {
			String text = FENCE.matcher(Files.readString(page)).replaceAll("");
			Matcher link = LINK.matcher(text);
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-z]+:.*")) {
					continue;
				}
				int hash = target.indexOf('#');
				String file = (hash < 0) ? target : target.substring(0, hash);
				String anchor = (hash < 0) ? null : target.substring(hash + 1);
				Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(resolved)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	@Test
	void theReadmeIsAFrontPage() throws IOException {
		assertThat(Files.readAllLines(ROOT.resolve("README.md"))).hasSizeLessThanOrEqualTo(200);
	}

	@Test
	void theConfigurationReferenceNamesExactlyTheStartersProperties() throws IOException {
		String reference = Files.readString(ROOT.resolve("docs/reference/configuration.md"));
		String[] sections = reference.split("## `eventstore\\.processors\\.<name>\\.\\*`");
		Set<String> documented = new TreeSet<>();
		Matcher key = Pattern.compile("`(eventstore\\.[a-z.-]+)`").matcher(tableRows(sections[0]));
		while (key.find()) {
			documented.add(key.group(1));
		}
		documented.remove("eventstore.processors.");
		Set<String> metadata = new TreeSet<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("the generated metadata").isNotNull();
			for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
				String name = property.get("name").asString();
				if (name.startsWith("eventstore.") && !name.equals("eventstore.processors")) {
					metadata.add(name);
				}
			}
		}
		assertThat(documented).as("eventstore.* in docs/reference/configuration.md").isEqualTo(metadata);

		Set<String> processorKeys = new TreeSet<>();
		Matcher processorKey = Pattern.compile("`([a-z][a-z.-]*)`").matcher(firstColumns(tableRows(sections[1])));
		while (processorKey.find()) {
			processorKeys.add(processorKey.group(1));
		}
		assertThat(processorKeys).as("eventstore.processors.<name>.* in docs/reference/configuration.md")
			.isEqualTo(propertiesOf(ProcessorSettings.class, ""));
	}

	private static String tableRows(String text) {
		return String.join("\n", text.lines().filter((line) -> line.startsWith("| `")).toList());
	}

	private static String firstColumns(String rows) {
		return String.join("\n", rows.lines().map((row) -> row.split("\\|")[1]).toList());
	}

	/**
	 * The relaxed names of a settings class's properties, nested ones with their prefix.
	 */
	private static Set<String> propertiesOf(Class<?> type, String prefix) {
		Set<String> names = new TreeSet<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getName().equals("class")) {
				continue;
			}
			String name = prefix + property.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
			if (property.getWriteMethod() == null
					&& property.getPropertyType().getName().startsWith("dev.eventstore")) {
				names.addAll(propertiesOf(property.getPropertyType(), name + "."));
			}
			else {
				names.add(name);
			}
		}
		return names;
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
		try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
			docs.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	/** The anchors GitHub gives a page's headings. */
	private static Set<String> anchors(Path page) throws IOException {
		Set<String> anchors = new TreeSet<>();
		Matcher heading = HEADING.matcher(FENCE.matcher(Files.readString(page)).replaceAll(""));
		while (heading.find()) {
			anchors.add(heading.group(1)
				.trim()
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N} _-]", "")
				.replace(' ', '-'));
		}
		return anchors;
	}

}
