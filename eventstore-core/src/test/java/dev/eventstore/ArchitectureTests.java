package dev.eventstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API package knows no journal implementation: it opens journals through the
 * {@link dev.eventstore.JournalProvider} SPI. Checked on the compiled classes, whose
 * constant pools name every class they refer to.
 */
class ArchitectureTests {

	@Test
	void theApiPackageReferencesNoJournalImplementation() throws IOException {
		Path api = Path.of(EventStore.class.getProtectionDomain().getCodeSource().getLocation().getPath(), "dev",
				"eventstore");
		List<Path> classes;
		try (Stream<Path> files = Files.list(api)) {
			classes = files.filter((f) -> f.toString().endsWith(".class")).toList();
		}
		assertThat(classes).isNotEmpty();
		for (Path type : classes) {
			String constants = new String(Files.readAllBytes(type), StandardCharsets.ISO_8859_1);
			assertThat(constants).as(type.getFileName().toString())
				.doesNotContain("dev/eventstore/journal/file/")
				.doesNotContain("dev/eventstore/journal/memory/");
		}
	}

	@Test
	void journalsUseTheSupportSpiNotEachOthersInternals() {
		assertThat(CompiledClasses.referencing(EventStore.class, "dev/eventstore/journal/support",
				"dev/eventstore/journal/file/"))
			.isEmpty();
		assertThat(CompiledClasses.referencing(EventStore.class, "dev/eventstore/journal/memory",
				"dev/eventstore/journal/file/"))
			.isEmpty();
	}

}
