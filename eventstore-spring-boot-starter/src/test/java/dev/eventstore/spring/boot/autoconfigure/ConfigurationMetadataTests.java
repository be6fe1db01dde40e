package dev.eventstore.spring.boot.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the starter's jar carries: every {@code eventstore.*} key
 * documented, with its default where it has one, so IDEs complete and explain them.
 */
class ConfigurationMetadataTests {

	/** Keys with no default: unset means "not configured". */
	private static final Set<String> WITHOUT_DEFAULT = Set.of("eventstore.persist-path", "eventstore.processors",
			"eventstore.segment-size", "eventstore.kafka.source", "eventstore.kafka.topics", "eventstore.kafka.types",
			"eventstore.personal-data.master-key", "eventstore.personal-data.enabled",
			"eventstore.personal-data.key-directory");

	@Test
	void everyEventStoreKeyHasADescriptionAndItsDefault() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("the generated metadata").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> keys = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (!name.startsWith("eventstore.")) {
				continue;
			}
			keys.add(name);
			assertThat(property.path("description").asString("")).as(name).isNotBlank();
			if (!WITHOUT_DEFAULT.contains(name)) {
				assertThat(property.has("defaultValue")).as(name + " has its default").isTrue();
			}
		}
		assertThat(keys).contains("eventstore.persist-path", "eventstore.fsync", "eventstore.fsync-interval",
				"eventstore.segment-size", "eventstore.journal", "eventstore.publish-events",
				"eventstore.postgres.table-prefix", "eventstore.postgres.initialize-schema", "eventstore.processors",
				"eventstore.health.failed-processor-status", "eventstore.ui.enabled", "eventstore.ui.path");
	}

}
