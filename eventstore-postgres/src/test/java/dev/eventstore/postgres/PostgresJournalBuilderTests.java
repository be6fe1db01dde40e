package dev.eventstore.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStoreException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresJournalBuilderTests {

	@Test
	void tablePrefixMustBeAPlainIdentifier() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			for (String bad : new String[] { "x; DROP TABLE y; --", "Upper_", "1starts_with_digit", "", "a-b",
					"quote\"" }) {
				assertThatIllegalArgumentException()
					.isThrownBy(() -> PostgresJournal.builder(pool).tablePrefix(bad).initializeSchema(true).build())
					.withMessageContaining("Table prefix")
					.withMessageContaining(bad);
			}
		}
	}

	@Test
	void missingTablesAreReportedWithTheWayToCreateThem() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			assertThatThrownBy(() -> PostgresJournal.builder(pool).tablePrefix(prefix).build())
				.isInstanceOf(EventStoreException.class)
				.hasMessageContaining(prefix + "events")
				.hasMessageContaining("initialize-schema");
		}
	}

	@Test
	void schemaIsAppliedOnceAndAgainHarmlessly() {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(2)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			PostgresJournal first = EmbeddedPostgresServer.journal(pool, prefix);
			PostgresJournal second = EmbeddedPostgresServer.journal(pool, prefix);
			assertThat(first.lastPosition()).isZero();
			assertThat(second.location()).contains(prefix + "events");
		}
	}

	@Test
	void schemaScriptIsVersionedAndUsesThePrefix() {
		assertThat(PostgresJournal.schemaScript("app_")).contains("CREATE TABLE IF NOT EXISTS app_events")
			.contains("CREATE TABLE IF NOT EXISTS app_head")
			.doesNotContain("${prefix}");
		assertThat(PostgresJournal.class.getResource(Schema.SCRIPT)).isNotNull();
		assertThat(Schema.SCRIPT).startsWith("V1__");
	}

}
