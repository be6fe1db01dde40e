package dev.eventstore.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules the code base keeps, all in one place: checked with ArchUnit on the compiled
 * classes of core, the PostgreSQL journal and the starter (this module's test class path
 * holds all three), and on the sources of every module, where a dependency on a constant
 * shows as an import although javac inlines the constant's value into the class file.
 */
class ArchitectureRulesTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.eventstore");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void autoConfigurationsArePublicAndFinal() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
			.check(classes);
	}

	@Test
	void coreAndThePostgresJournalKnowNothingOfSpring() {
		// The Kafka forwarder is built on Spring Kafka by design (#31).
		noClasses().that()
			.resideOutsideOfPackages("dev.eventstore.spring..", "dev.eventstore.kafka..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(classes);
	}

	@Test
	void theInternalPackageIsCoresOwn() {
		noClasses().that()
			.resideInAnyPackage("dev.eventstore.postgres..", "dev.eventstore.spring..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.eventstore.internal..")
			.check(classes);
	}

	@Test
	void theApiKnowsNoJournalImplementation() {
		noClasses().that()
			.resideInAPackage("dev.eventstore")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.eventstore.journal..", "dev.eventstore.postgres..")
			.check(classes);
	}

	@Test
	void journalsUseTheSupportSpiNotEachOthersInternals() {
		noClasses().that()
			.resideInAnyPackage("dev.eventstore.journal.support..", "dev.eventstore.journal.memory..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.eventstore.journal.file..")
			.check(classes);
	}

	@Test
	void packagesOfEveryModuleHaveNoCyclesInTheirSources() throws IOException {
		Map<String, Set<String>> dependencies = new TreeMap<>();
		Pattern imported = Pattern.compile("^import (?:static )?(dev\\.eventstore(?:\\.[a-z]\\w*)*)\\.[A-Z]",
				Pattern.MULTILINE);
		try (Stream<Path> modules = Files.list(Path.of(".."))) {
			for (Path module : modules.filter((dir) -> Files.isDirectory(dir.resolve("src/main/java"))).toList()) {
				try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
					for (Path source : sources.filter((file) -> file.toString().endsWith(".java")).toList()) {
						String text = Files.readString(source);
						Matcher packageLine = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(text);
						assertThat(packageLine.find()).as(source.toString()).isTrue();
						String from = packageLine.group(1);
						Set<String> to = dependencies.computeIfAbsent(from, (key) -> new TreeSet<>());
						Matcher dependency = imported.matcher(text);
						while (dependency.find()) {
							if (!dependency.group(1).equals(from)) {
								to.add(dependency.group(1));
							}
						}
					}
				}
			}
		}
		assertThat(dependencies).containsKeys("dev.eventstore", "dev.eventstore.internal", "dev.eventstore.cli");
		List<String> cycles = new ArrayList<>();
		for (String start : dependencies.keySet()) {
			List<String> path = cycleFrom(start, start, dependencies, new ArrayList<>(List.of(start)), new HashSet<>());
			if (path != null) {
				cycles.add(String.join(" -> ", path));
			}
		}
		assertThat(cycles).as("package cycles in the sources").isEmpty();
	}

	/** A path of imports from {@code at} back to {@code start}, or null. */
	private static @Nullable List<String> cycleFrom(String start, String at, Map<String, Set<String>> dependencies,
			List<String> path, Set<String> seen) {
		for (String next : dependencies.getOrDefault(at, Set.of())) {
			if (next.equals(start)) {
				List<String> cycle = new ArrayList<>(path);
				cycle.add(start);
				return cycle;
			}
			if (seen.add(next)) {
				path.add(next);
				List<String> found = cycleFrom(start, next, dependencies, path, seen);
				if (found != null) {
					return found;
				}
				path.remove(path.size() - 1);
			}
		}
		return null;
	}

}
