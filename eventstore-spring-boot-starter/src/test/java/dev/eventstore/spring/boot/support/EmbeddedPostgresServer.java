package dev.eventstore.spring.boot.support;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server for all of this module's tests, started in-process from
 * Maven Central binaries on first use and stopped with the JVM; tests keep apart with
 * table prefixes of their own.
 */
public final class EmbeddedPostgresServer {

	private static EmbeddedPostgres server;

	private EmbeddedPostgresServer() {
	}

	/** The server, started on first use. */
	public static synchronized EmbeddedPostgres get() {
		if (server == null) {
			try {
				// These tests prove the starter's wiring, not PostgreSQL's durability.
				server = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
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
		return server;
	}

	/** The JDBC URL of the {@code postgres} database. */
	public static String jdbcUrl() {
		return get().getJdbcUrl("postgres", "postgres");
	}

}
