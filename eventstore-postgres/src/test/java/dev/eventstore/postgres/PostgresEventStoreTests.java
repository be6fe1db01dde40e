package dev.eventstore.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreContractTests;
import org.junit.jupiter.api.AfterEach;

/** The contract every journal keeps, run against real PostgreSQL. */
class PostgresEventStoreTests extends EventStoreContractTests {

	private final HikariDataSource pool = EmbeddedPostgresServer.pool(12);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	@Override
	protected EventStore.Builder newBuilder() {
		return EventStore.builder().journal(EmbeddedPostgresServer.journal(this.pool, this.prefix));
	}

	/**
	 * Runs before the suite's own close: the store must let go of its connections before
	 * the pool shuts.
	 */
	@AfterEach
	void closeStoreThenPool() {
		if (this.store != null) {
			this.store.close();
			this.store = null;
		}
		this.pool.close();
	}

}
