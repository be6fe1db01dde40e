package dev.eventstore.spring.boot.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.PersonalDataErased;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.postgres.EmbeddedPostgresServer;
import dev.eventstore.postgres.PostgresJournal;
import dev.eventstore.postgres.PostgresSubjectKeyStore;
import dev.eventstore.spring.boot.autoconfigure.PersonalDataAutoConfigurationTests.CustomerRegistered;
import dev.eventstore.types.EventTypes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** {@code eventstore.journal=postgres} against a real, embedded PostgreSQL. */
class PostgresJournalAutoConfigurationTests {

	private static int prefixes;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, EventStoreAutoConfiguration.class));

	private ApplicationContextRunner withPostgres() {
		return this.contextRunner.withPropertyValues("spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl(),
				"eventstore.journal=postgres", "eventstore.postgres.initialize-schema=true",
				"eventstore.postgres.table-prefix=p" + (++prefixes) + "_");
	}

	@Test
	void journalPostgresKeepsEventsInTheDataSource() {
		withPostgres().run((context) -> {
			assertThat(context).hasSingleBean(PostgresJournal.class).hasSingleBean(EventStore.class);
			EventStore store = context.getBean(EventStore.class);
			store.append("s", NewEvent.of("E", Map.of("n", 1)));
			assertThat(store.status().details()).containsEntry("table", "p" + prefixes + "_events");
			int rows = new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("SELECT count(*) FROM p" + prefixes + "_events", Integer.class);
			assertThat(rows).isEqualTo(1);
		});
	}

	@Test
	void personalDataOnANewDatabaseStartsWithItsKeysInTheJournalsSchemaCheckedAtAppend() {
		// The schema is made by the journal (initialize-schema): the protection, which
		// reads the key tables at once, failed start-up when made before it.
		withPostgres().withBean(EventTypes.class, () -> EventTypes.of(CustomerRegistered.class))
			.withPropertyValues("eventstore.personal-data.master-key=" + PersonalDataAutoConfigurationTests.MASTER_KEY)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SubjectKeyStore keys = context.getBean(SubjectKeyStore.class);
				assertThat(keys).isInstanceOf(PostgresSubjectKeyStore.class);
				assertThat(context.getBean(PostgresJournal.class).checksSubjectKeys(keys))
					.as("the journal and the key store over the one DataSource bean and prefix")
					.isTrue();
				EventStore store = context.getBean(EventStore.class);
				store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.org")));
				store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "alice@example.net")));
				assertThat(store.readStream("customer-1")).extracting(StoredEvent::payload)
					.containsExactly(new CustomerRegistered("c-1", "alice@example.org"),
							new CustomerRegistered("c-1", "alice@example.net"));
				int plain = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT count(*) FROM p" + prefixes + "_events WHERE data::text LIKE '%alice@%'",
						Integer.class);
				assertThat(plain).isZero();

				// Inside a transaction the erasure's event would roll back with it, while
				// the key's destruction cannot: refused, nothing erased.
				TransactionTemplate transaction = new TransactionTemplate(
						new DataSourceTransactionManager(context.getBean(DataSource.class)));
				assertThatIllegalStateException()
					.isThrownBy(() -> transaction.executeWithoutResult((status) -> store.erasePersonalData("c-1")))
					.withMessageContaining("cannot run inside a transaction")
					.withMessageContaining("nothing was erased");
				assertThat(store.readStream("customer-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", "alice@example.org"));
				assertThat(store.readStream(PersonalDataErased.STREAM)).isEmpty();
				assertThat(store.erasePersonalData("c-1")).as("after the transaction").isTrue();
				assertThat(store.readStream("customer-1").get(0).payload())
					.isEqualTo(new CustomerRegistered("c-1", null));
			});
	}

	@Test
	void aDataSourceAloneDoesNotMoveTheEvents() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PostgresJournal.class);
				assertThat(context.getBean(EventStore.class).status().journal()).isEqualTo("in-memory");
			});
	}

	@Test
	void journalPostgresWithoutADataSourceFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EventStoreAutoConfiguration.class))
			.withPropertyValues("eventstore.journal=postgres")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("needs a DataSource");
				assertThat(StartupFailures.configurationFailure(context.getStartupFailure()).property())
					.isEqualTo("eventstore.journal");
			});
	}

	@Test
	void invalidTablePrefixFailsNamingTheProperty() {
		withPostgres().withPropertyValues("eventstore.postgres.table-prefix=x; drop table y").run((context) -> {
			assertThat(context).hasFailed();
			EventStoreConfigurationException failure = StartupFailures
				.configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventstore.postgres.table-prefix");
			assertThat(failure).hasMessageContaining("Table prefix");
		});
	}

	@Test
	void appendsJoinTheCallersTransactionAndCommitOrRollBackWithItsData() {
		withPostgres().run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			EventStore store = context.getBean(EventStore.class);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute("CREATE TABLE IF NOT EXISTS orders_" + prefixes + " (id TEXT PRIMARY KEY)");
			String orders = "orders_" + prefixes;
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			List<StoredEvent> delivered = new CopyOnWriteArrayList<>();
			store.subscribe(delivered::add);

			transaction.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO " + orders + " (id) VALUES ('rolled-back')");
				store.append("order-rolled-back", NewEvent.of("OrderPlaced", Map.of()));
				status.setRollbackOnly();
			});
			assertThat(jdbc.queryForObject("SELECT count(*) FROM " + orders, Integer.class)).isZero();
			assertThat(store.readStream("order-rolled-back")).isEmpty();
			assertThat(store.lastPosition()).isZero();

			transaction.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO " + orders + " (id) VALUES ('committed')");
				store.append("order-committed", NewEvent.of("OrderPlaced", Map.of()));
				assertThat(delivered).as("nothing delivered before the commit").isEmpty();
				assertThat(store.readStream("order-committed")).as("invisible outside the transaction").isEmpty();
			});
			assertThat(jdbc.queryForObject("SELECT count(*) FROM " + orders, Integer.class)).isEqualTo(1);
			List<StoredEvent> stored = store.readStream("order-committed");
			assertThat(stored).singleElement().satisfies((e) -> assertThat(e.position()).isEqualTo(1));
			await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !delivered.isEmpty());
			assertThat(delivered).as("delivered once committed").isEqualTo(stored);

			StoredEvent outside = store.append("order-committed", NewEvent.of("OrderPaid", Map.of()));
			assertThat(delivered).as("a plain append is delivered before it returns").endsWith(outside);
		});
	}

}
