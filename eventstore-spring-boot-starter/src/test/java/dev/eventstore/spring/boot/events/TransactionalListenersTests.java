package dev.eventstore.spring.boot.events;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.spring.boot.autoconfigure.EventStoreAutoConfiguration;
import dev.eventstore.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code @EventListener} and {@code @TransactionalEventListener} methods see of
 * events appended inside a Spring transaction, on PostgreSQL (the append joins the
 * transaction) and on the file journal (it does not).
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionalListenersTests {

	private static int prefixes;

	@TempDir
	Path dir;

	/**
	 * Records what each kind of listener saw, and on which thread, in or after a
	 * transaction.
	 */
	static class Listeners {

		final List<String> seen = new CopyOnWriteArrayList<>();

		private void record(String listener, StoredApplicationEvent<?> event) {
			String thread = Thread.currentThread().getName().startsWith("eventstore") ? "store thread" : "caller";
			this.seen.add(listener + " " + event.event().type() + " on " + thread);
		}

		@EventListener
		void plain(StoredApplicationEvent<?> event) {
			record("plain", event);
		}

		@TransactionalEventListener
		void afterCommit(StoredApplicationEvent<?> event) {
			record("afterCommit", event);
		}

		@TransactionalEventListener(phase = TransactionPhase.AFTER_ROLLBACK)
		void afterRollback(StoredApplicationEvent<?> event) {
			record("afterRollback", event);
		}

	}

	private ApplicationContextRunner postgresApp() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					EventStoreAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl(),
					"eventstore.journal=postgres", "eventstore.postgres.initialize-schema=true",
					"eventstore.postgres.table-prefix=tl" + (++prefixes) + "_")
			.withBean(Listeners.class);
	}

	@Test
	void onPostgresACommittedTransactionsEventsReachEachListenerOnceOnTheCommittingThread() {
		postgresApp().run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			Listeners listeners = context.getBean(Listeners.class);
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.executeWithoutResult((status) -> {
					store.append("s", NewEvent.of("Happened", Map.of("n", 1)));
					assertThat(listeners.seen).as("inside the transaction").containsExactly("plain Happened on caller");
				});
			assertThat(listeners.seen).containsExactly("plain Happened on caller", "afterCommit Happened on caller");
			// The store's own delivery after the commit does not publish them again.
			store.append("s", NewEvent.of("Later", Map.of("n", 2)));
			await().until(() -> listeners.seen.size() == 3);
			assertThat(listeners.seen).hasSize(3).last().asString().startsWith("plain Later");
		});
	}

	@Test
	void onPostgresARolledBackTransactionsEventsReachOnlyTheListenersThatRunInItOrOnRollback() {
		postgresApp().run((context) -> {
			EventStore store = context.getBean(EventStore.class);
			Listeners listeners = context.getBean(Listeners.class);
			new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.executeWithoutResult((status) -> {
					store.append("s", NewEvent.of("Doomed", Map.of("n", 1)));
					assertThat(listeners.seen).as("inside the transaction").containsExactly("plain Doomed on caller");
					status.setRollbackOnly();
				});
			assertThat(store.lastPosition()).isZero();
			assertThat(listeners.seen).containsExactly("plain Doomed on caller", "afterRollback Doomed on caller");
			// The next event takes the rolled-back one's position and is published as
			// usual.
			store.append("s", NewEvent.of("Kept", Map.of("n", 2)));
			await().until(() -> listeners.seen.size() == 3);
			assertThat(listeners.seen.get(2)).startsWith("plain Kept");
			assertThat(store.readAll(1, 10)).extracting((e) -> e.type()).containsExactly("Kept");
		});
	}

	@Test
	void onTheFileJournalEventsAppendedInATransactionReachTransactionalListenersAfterItsCommit(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					EventStoreAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + EmbeddedPostgresServer.jdbcUrl(),
					"eventstore.persist-path=" + this.dir.resolve("events.ndjson"))
			.withBean(Listeners.class)
			.run((context) -> {
				EventStore store = context.getBean(EventStore.class);
				Listeners listeners = context.getBean(Listeners.class);
				new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
					.executeWithoutResult((status) -> {
						store.append("s", NewEvent.of("Filed", Map.of("n", 1)));
						assertThat(listeners.seen).as("inside the transaction")
							.containsExactly("plain Filed on caller");
					});
				assertThat(listeners.seen).containsExactly("plain Filed on caller", "afterCommit Filed on caller");
				// Outside a transaction, Spring calls only the plain listener (and the
				// starter warned at start-up about the transactional ones).
				store.append("s", NewEvent.of("Loose", Map.of("n", 2)));
				assertThat(listeners.seen).hasSize(3).last().isEqualTo("plain Loose on caller");
				assertThat(output).contains("@TransactionalEventListener Listeners.afterCommit (bean '"
						+ "transactionalListenersTests.Listeners') receives stored events only when they are appended "
						+ "inside a transaction");
			});
	}

}
