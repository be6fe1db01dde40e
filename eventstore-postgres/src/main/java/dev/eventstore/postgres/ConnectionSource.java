package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Where the journal gets the connection for an append, and whether that connection is
 * already in a transaction of the caller's. An append on such a connection joins the
 * transaction: it neither commits nor rolls back, and its events commit or roll back with
 * the caller's. The plain source never joins; the Spring Boot starter supplies one that
 * joins Spring-managed transactions.
 *
 * @since 0.1.0
 */
public interface ConnectionSource {

	/** A connection for one append. */
	Connection acquire() throws SQLException;

	/**
	 * Whether the connection belongs to a transaction the caller will commit or roll
	 * back.
	 */
	boolean isInCallerTransaction(Connection connection);

	/** Gives the connection back after the append. */
	void release(Connection connection) throws SQLException;

	/**
	 * A source that takes a new connection from the pool for each append and never joins.
	 */
	static ConnectionSource of(DataSource dataSource) {
		return new ConnectionSource() {

			@Override
			public Connection acquire() throws SQLException {
				return dataSource.getConnection();
			}

			@Override
			public boolean isInCallerTransaction(Connection connection) {
				return false;
			}

			@Override
			public void release(Connection connection) throws SQLException {
				connection.close();
			}

		};
	}

}
