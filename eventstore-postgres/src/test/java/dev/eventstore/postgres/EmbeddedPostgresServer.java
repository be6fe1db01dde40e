package dev.eventstore.postgres;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server for the whole test run, started in-process from Maven
 * Central binaries; each test takes fresh tables through a prefix of its own. Shared with
 * other modules' tests through this module's test jar.
 */
public final class EmbeddedPostgresServer {

	private static final AtomicInteger prefixes = new AtomicInteger();

	private static EmbeddedPostgres server;

	private EmbeddedPostgresServer() {
	}

	/** The server's JDBC URL (user {@code postgres}), the server started on first use. */
	public static synchronized String jdbcUrl() {
		if (server == null) {
			try {
				// These tests prove the journal's semantics, not PostgreSQL's durability:
				// skip its fsyncs.
				server = EmbeddedPostgres.builder()
					.setServerConfig("fsync", "off")
					.setServerConfig("synchronous_commit", "off")
					.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start embedded PostgreSQL", ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.close();
				}
				catch (IOException ex) {
					// The JVM is going anyway.
				}
			}));
		}
		return server.getJdbcUrl("postgres", "postgres");
	}

	/** Connections to the server's {@code postgres} database, for a test's own set-up. */
	public static synchronized DataSource dataSource() {
		jdbcUrl();
		return server.getPostgresDatabase();
	}

	/** A new pool: one per application instance in a test. */
	static HikariDataSource pool(int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(jdbcUrl());
		config.setUsername("postgres");
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(1);
		config.setPoolName("test-" + prefixes.get());
		return new HikariDataSource(config);
	}

	/**
	 * A pool on a server another JVM started, for the child processes of kill and race
	 * tests: they get its JDBC URL as an argument.
	 */
	static HikariDataSource pool(String jdbcUrl, int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(jdbcUrl);
		config.setUsername("postgres");
		config.setMaximumPoolSize(size);
		return new HikariDataSource(config);
	}

	/** A table prefix no other test uses. */
	static String freshPrefix() {
		return "t" + prefixes.incrementAndGet() + "_";
	}

	static PostgresJournal journal(DataSource pool, String prefix) {
		return PostgresJournal.builder(pool).tablePrefix(prefix).initializeSchema(true).build();
	}

}
