package dev.eventstore.postgres;

import dev.eventstore.StoredEvent;

import dev.eventstore.NewEvent;

import dev.eventstore.ExpectedVersion;

import dev.eventstore.EventStore;

import java.util.Map;

import java.util.List;

import java.sql.Statement;

import java.sql.Connection;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStoreException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> PostgresJournal.builder(pool).tablePrefix(prefix).build())
				.withMessageContaining(prefix + "events")
				.withMessageContaining("initialize-schema");
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
	void theLocationNamesTheDatabaseWithoutTheUrlsParameters() {
		org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
		dataSource.setURL(EmbeddedPostgresServer.jdbcUrl() + "&password=s3cret&ApplicationName=shop");
		String prefix = EmbeddedPostgresServer.freshPrefix();
		PostgresJournal journal = EmbeddedPostgresServer.journal(dataSource, prefix);

		assertThat(journal.location()).startsWith("postgresql jdbc:postgresql://")
			.endsWith("/postgres table " + prefix + "events")
			.doesNotContain("?")
			.doesNotContain("s3cret")
			.doesNotContain("shop");
		assertThat(PostgresJournal.Builder.withoutParameters("jdbc:postgresql://db/app?user=u&password=p"))
			.isEqualTo("jdbc:postgresql://db/app");
		assertThat(PostgresJournal.Builder.withoutParameters("jdbc:postgresql://db/app"))
			.isEqualTo("jdbc:postgresql://db/app");
	}

	@Test
	void schemaScriptIsVersionedAndUsesThePrefix() {
		assertThat(PostgresJournal.schemaScript("app_")).contains("CREATE TABLE IF NOT EXISTS app_events")
			.contains("CREATE TABLE IF NOT EXISTS app_head")
			.doesNotContain("${prefix}");
		assertThat(PostgresJournal.class.getResource(Schema.SCRIPT)).isNotNull();
		assertThat(Schema.SCRIPT).startsWith("V1__");
	}

	@Test
	void aVersion1DatabaseIsUpgradedInPlaceAndItsEventsKeepLoading() throws Exception {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				String version1 = Schema.script(Schema.SCRIPT, new TablePrefix(prefix)).replaceAll("(?m)^--.*$", "");
				for (String sql : version1.split(";")) {
					if (!sql.isBlank()) {
						statement.execute(sql);
					}
				}
				statement.execute("INSERT INTO " + prefix + "events (position, stream_id, version, event_type, data, "
						+ "metadata, created_at) VALUES (1, 'old', 1, 'E', '{\"n\":1}', NULL, now())");
				statement.execute("UPDATE " + prefix + "head SET last_position = 1");
			}
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> PostgresJournal.builder(pool).tablePrefix(prefix).build())
				.withMessageContaining("V2__event_ids.sql");
			try (EventStore store = EventStore.builder()
				.journal(EmbeddedPostgresServer.journal(pool, prefix))
				.build()) {
				StoredEvent old = store.readStream("old").get(0);
				assertThat(old.data()).containsEntry("n", 1);
				assertThat(old.id()).isEqualTo(store.readAll(1, 1).get(0).id());
				NewEvent next = NewEvent.of("E", Map.of("n", 2));
				store.append("old", next, ExpectedVersion.exactly(1));
				assertThat(store.appendBatch("old", List.of(next), ExpectedVersion.exactly(1)).isDuplicate()).isTrue();
				assertThat(store.lastPosition()).isEqualTo(2);
			}
		}
	}

	@Test
	void aVersion5DatabaseGetsTheAppendFunctionInPlaceAndAppendsInOneStatement() throws Exception {
		try (HikariDataSource pool = EmbeddedPostgresServer.pool(3)) {
			String prefix = EmbeddedPostgresServer.freshPrefix();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				for (String script : Schema.SCRIPTS.subList(0, 5)) {
					for (String sql : Schema.statements(Schema.script(script, new TablePrefix(prefix)))) {
						statement.execute(sql);
					}
				}
				statement.execute("INSERT INTO " + prefix + "events (position, stream_id, version, event_type, data, "
						+ "metadata, created_at, event_uuid) VALUES (1, 'old', 1, 'E', '{\"n\":1}', NULL, now(), "
						+ "gen_random_uuid())");
				statement.execute("UPDATE " + prefix + "head SET last_position = 1");
			}
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> PostgresJournal.builder(pool).tablePrefix(prefix).build())
				.withMessageContaining(prefix + "append")
				.withMessageContaining("V6__append_function.sql");
			StatementCounter counter = new StatementCounter(pool);
			try (EventStore store = EventStore.builder()
				.journal(PostgresJournal.builder(counter.dataSource())
					.tablePrefix(prefix)
					.initializeSchema(true)
					.build())
				.build()) {
				assertThat(store.append("warm-up", NewEvent.of("E", Map.of())).position()).isEqualTo(2);
				// The commit listener's LISTEN comes from a thread of its own.
				await().until(() -> counter.executed().stream().anyMatch((sql) -> sql.startsWith("listen")));
				NewEvent next = NewEvent.of("E", Map.of("n", 2));
				counter.reset();
				assertThat(store.append("old", next, ExpectedVersion.exactly(1)).position()).isEqualTo(3);
				assertThat(counter.executed()).as("statements sent for one append").containsExactly("append_one");
				counter.reset();
				store.appendBatch("old", List.of(NewEvent.of("E", Map.of()), NewEvent.of("E", Map.of())));
				assertThat(counter.executed()).as("statements sent for one batch").containsExactly("append");
				assertThat(counter.commits()).as("explicit commits (the call commits in autocommit)").isZero();

				counter.reset();
				assertThat(store.appendBatch("old", List.of(next), ExpectedVersion.exactly(1)).isDuplicate()).isTrue();
				assertThat(counter.executed()).as("a retry is told from a conflict the long way")
					.startsWith("append_one")
					.hasSizeGreaterThan(1);
				assertThat(store.readStream("old")).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L);
				assertThat(store.lastPosition()).isEqualTo(5);
			}
		}
	}

	@Test
	void schemaStatementsKeepAFunctionBodyWhole() {
		List<String> statements = Schema.statements(Schema.script("V6__append_function.sql", new TablePrefix("x_")));
		assertThat(statements).hasSize(2);
		assertThat(statements.get(0)).startsWith("CREATE OR REPLACE FUNCTION x_append(").endsWith("$$;");
		assertThat(statements.get(1)).startsWith("CREATE OR REPLACE FUNCTION x_append_one(").endsWith("$$;");
	}

}
