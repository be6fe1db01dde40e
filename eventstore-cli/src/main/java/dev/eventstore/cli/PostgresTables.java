package dev.eventstore.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import picocli.CommandLine.Option;

/**
 * The option that names a PostgreSQL journal's tables, for every command that reads one.
 */
final class PostgresTables {

	@Option(names = "--table-prefix", description = "PostgreSQL table prefix (default: ${DEFAULT-VALUE})",
			defaultValue = "eventstore_")
	String prefix = "eventstore_";

	/** Whether the database has the table (a schema before its script has not). */
	static boolean exists(DataSource dataSource, String table) {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
			select.setString(1, table);
			try (ResultSet row = select.executeQuery()) {
				return row.next() && row.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot look for the table " + table + ": " + ex.getMessage(), ex);
		}
	}

}
