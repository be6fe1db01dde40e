package dev.eventstore.postgres;

import dev.eventstore.CompiledClasses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL journal builds on core's public API and SPI only. */
class ArchitectureTests {

	@Test
	void usesNothingOfCoresInternalPackage() {
		assertThat(CompiledClasses.referencing(PostgresJournal.class, "dev/eventstore/postgres",
				"dev/eventstore/internal/"))
			.isEmpty();
	}

}
