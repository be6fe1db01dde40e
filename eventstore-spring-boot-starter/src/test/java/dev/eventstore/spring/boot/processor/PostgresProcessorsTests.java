package dev.eventstore.spring.boot.processor;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.postgres.EmbeddedPostgresServer;
import dev.eventstore.processor.Processor;
import dev.eventstore.spring.boot.autoconfigure.EventProcessorAutoConfiguration;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.spring.boot.processor.ShopEvents.Added;
import dev.eventstore.spring.boot.processor.ShopEvents.Paid;
import dev.eventstore.spring.boot.processor.ShopEvents.Removed;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Processors of a PostgreSQL store: checkpoints in the journal's schema, committed in the
 * transaction of a {@code @Transactional} handler writing to the same database.
 */
class PostgresProcessorsTests {

	/** Inserts one row per event in the transaction the processor opened. */
	@EventProcessor("rows")
	static class RowWriter {

		private final JdbcTemplate jdbc;

		RowWriter(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
		}

		@Transactional
		public void on(ShopEvents.ShopEvent event, StoredEvent stored) {
			this.jdbc.update("INSERT INTO rows (position) VALUES (?)", stored.position());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class RowsConfiguration {

		@Bean
		RowWriter rowWriter(DataSource dataSource) {
			return new RowWriter(dataSource);
		}

	}

	@Test
	void aTransactionalHandlersWritesCommitWithTheCheckpointOrNotAtAll() {
		JdbcTemplate admin = new JdbcTemplate(EmbeddedPostgresServer.dataSource());
		admin.execute("CREATE TABLE rows (position BIGINT NOT NULL)");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, EventStoreAutoConfiguration.class,
					EventProcessorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl(),
					"eventstore.journal=postgres", "eventstore.postgres.initialize-schema=true",
					"eventstore.publish-events=false", "eventstore.processors.rows.retry.initial-delay=1ms")
			.withBean(EventTypes.class, () -> EventTypes.of(Added.class, Removed.class, Paid.class))
			.withUserConfiguration(RowsConfiguration.class)
			.run((context) -> {
				// The checkpoint after position 2 is refused once, after the handler
				// wrote its row: that row must roll back with it.
				admin.execute("CREATE SEQUENCE refusals");
				admin.execute("CREATE FUNCTION refuse_once() RETURNS trigger AS $$ BEGIN "
						+ "IF NEW.position = 2 AND nextval('refusals') = 1 THEN "
						+ "RAISE EXCEPTION 'checkpoint refused once'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
				admin.execute("CREATE TRIGGER refuse BEFORE UPDATE ON eventstore_checkpoints "
						+ "FOR EACH ROW EXECUTE FUNCTION refuse_once()");
				EventStore store = context.getBean(EventStore.class);
				for (int i = 0; i < 5; i++) {
					store.append("cart-" + i, NewEvent.of(new Added("sku-" + i, 1)));
				}
				Processor processor = context.getBean(EventProcessors.class).find("rows").orElseThrow();
				assertThat(processor.awaitHandled(5, Duration.ofSeconds(20))).isTrue();
				assertThat(processor.status().lastError()).contains("checkpoint refused once");
				List<Long> rows = admin.queryForList("SELECT position FROM rows ORDER BY position", Long.class);
				assertThat(rows).containsExactly(1L, 2L, 3L, 4L, 5L);
				assertThat(admin.queryForObject("SELECT position FROM eventstore_checkpoints WHERE processor = 'rows'",
						Long.class))
					.isEqualTo(5L);
			});
	}

}
