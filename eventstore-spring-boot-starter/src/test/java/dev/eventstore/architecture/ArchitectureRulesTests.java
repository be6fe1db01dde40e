package dev.eventstore.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules the code base keeps, checked with ArchUnit on the compiled classes of core,
 * the PostgreSQL journal and the starter (this module's test class path holds all three).
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
		noClasses().that()
			.resideOutsideOfPackage("dev.eventstore.spring..")
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

}
