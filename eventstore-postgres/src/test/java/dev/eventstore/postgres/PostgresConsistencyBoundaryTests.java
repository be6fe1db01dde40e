package dev.eventstore.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.ConsistencyBoundaryContractTests;
import dev.eventstore.EventStore;
import org.junit.jupiter.api.AfterEach;

/**
 * Tags, reads by query and conditional appends on real PostgreSQL; the racers use 16
 * connections.
 */
class PostgresConsistencyBoundaryTests extends ConsistencyBoundaryContractTests {

	private final HikariDataSource pool = EmbeddedPostgresServer.pool(20);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	@Override
	protected EventStore.Builder newBuilder() {
		return EventStore.builder().journal(EmbeddedPostgresServer.journal(this.pool, this.prefix));
	}

	@AfterEach
	void closeStoreThenPool() {
		if (this.store != null) {
			this.store.close();
			this.store = null;
		}
		this.pool.close();
	}

}
