package dev.eventstore.spring.boot.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.eventstore.postgres.ConnectionSource;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Connections for PostgreSQL appends that join the caller's Spring-managed transaction
 * when there is one: the events then commit or roll back with the caller's business data.
 */
final class SpringTransactionConnections implements ConnectionSource {

	private final DataSource dataSource;

	SpringTransactionConnections(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public Connection acquire() throws SQLException {
		try {
			return DataSourceUtils.getConnection(this.dataSource);
		}
		catch (CannotGetJdbcConnectionException ex) {
			throw new SQLException(ex.getMessage(), ex);
		}
	}

	@Override
	public boolean isInCallerTransaction(Connection connection) {
		return DataSourceUtils.isConnectionTransactional(connection, this.dataSource);
	}

	@Override
	public void release(Connection connection) {
		DataSourceUtils.releaseConnection(connection, this.dataSource);
	}

}
