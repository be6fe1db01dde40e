package dev.eventstore.cli;

import java.nio.file.Path;

import javax.sql.DataSource;

import dev.eventstore.EventStore;
import dev.eventstore.postgres.PostgresJournal;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a command's journal is: a file path, or a PostgreSQL JDBC URL
 * ({@code jdbc:postgresql://host/db?user=…&password=…}).
 */
final class Sources {

	private Sources() {
	}

	static boolean isJdbc(String location) {
		return location.startsWith("jdbc:postgresql:");
	}

	/** A store on a PostgreSQL journal; it never creates tables. */
	static EventStore postgres(String url, String tablePrefix) {
		return EventStore.builder()
			.journal(PostgresJournal.builder(dataSource(url)).tablePrefix(tablePrefix).build())
			.build();
	}

	/** Connections to the URL's database, a new one each time: commands make few. */
	static DataSource dataSource(String url) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	static Path file(String location) {
		return Path.of(location);
	}

}
