package dev.eventstore.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.CheckpointStoreContractTests;
import dev.eventstore.snapshot.SnapshotStore;
import dev.eventstore.snapshot.SnapshotStoreContractTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The checkpoint and snapshot tables against the contracts every store meets; a reopen is
 * another store on the same tables, as another instance has.
 */
class PostgresStoreContractTests {

	private static HikariDataSource pool;

	@BeforeAll
	static void start() {
		pool = EmbeddedPostgresServer.pool(4);
	}

	@AfterAll
	static void stop() {
		pool.close();
	}

	/** A prefix with the journal's schema, checkpoint and snapshot tables included. */
	private static String freshTables() {
		String prefix = EmbeddedPostgresServer.freshPrefix();
		EmbeddedPostgresServer.journal(pool, prefix).close();
		return prefix;
	}

	@Nested
	class Checkpoints extends CheckpointStoreContractTests {

		private String prefix = "";

		@Override
		protected CheckpointStore newStore() {
			this.prefix = freshTables();
			return PostgresCheckpointStore.of(pool, this.prefix);
		}

		@Override
		protected CheckpointStore reopen(CheckpointStore store) {
			return PostgresCheckpointStore.of(pool, this.prefix);
		}

	}

	@Nested
	class Snapshots extends SnapshotStoreContractTests {

		private String prefix = "";

		@Override
		protected SnapshotStore newStore() {
			this.prefix = freshTables();
			return PostgresSnapshotStore.of(pool, this.prefix);
		}

		@Override
		protected SnapshotStore reopen(SnapshotStore store) {
			return PostgresSnapshotStore.of(pool, this.prefix);
		}

	}

}
