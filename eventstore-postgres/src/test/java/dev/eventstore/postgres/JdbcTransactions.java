package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.eventstore.processor.HandlerTransactions;

/**
 * Plain JDBC transactions bound to the thread, as a test's stand-in for Spring's: the
 * handler and the checkpoint store both write through {@link #current()}.
 */
final class JdbcTransactions implements HandlerTransactions, ConnectionSource {

	private final DataSource dataSource;

	private final ThreadLocal<Connection> bound = new ThreadLocal<>();

	JdbcTransactions(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	Connection current() {
		Connection connection = this.bound.get();
		if (connection == null) {
			throw new IllegalStateException("No transaction");
		}
		return connection;
	}

	@Override
	public void inTransaction(Runnable work) {
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			this.bound.set(connection);
			try {
				work.run();
				connection.commit();
			}
			catch (RuntimeException | Error ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				this.bound.remove();
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public Connection acquire() throws SQLException {
		Connection connection = this.bound.get();
		return (connection != null) ? connection : this.dataSource.getConnection();
	}

	@Override
	public boolean isInCallerTransaction(Connection connection) {
		return connection == this.bound.get();
	}

	@Override
	public void release(Connection connection) throws SQLException {
		if (connection != this.bound.get()) {
			connection.close();
		}
	}

}
