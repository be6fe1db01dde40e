package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import dev.eventstore.processor.ProcessorOwnership;
import org.jspecify.annotations.Nullable;

/**
 * Ownership of processors among instances sharing one PostgreSQL database, through
 * session-level advisory locks: the owner holds {@code pg_try_advisory_lock} on a
 * connection of its own for as long as it runs the processor. When the owner's process
 * dies, even by SIGKILL, its connection closes and PostgreSQL releases the lock at once;
 * another instance takes the processor over at its next try (every
 * {@code ownershipCheck}, 2 seconds by default). The heartbeat runs a query on that
 * connection: if the connection is lost, so is the lock, and the owner stops. A stale
 * owner cannot move the checkpoint either: {@link PostgresCheckpointStore} saves by
 * compare-and-set.
 *
 * <p>
 * Each owned processor keeps one connection of the pool busy; size the pool for it.
 * Thread-safe.
 *
 * @since 0.2.0
 */
public final class PostgresProcessorOwnership implements ProcessorOwnership {

	private static final System.Logger logger = System.getLogger(PostgresProcessorOwnership.class.getName());

	private final DataSource dataSource;

	private final String scope;

	private final Map<String, Connection> held = new ConcurrentHashMap<>();

	/**
	 * @param dataSource the shared database
	 * @param tablePrefix the journal's table prefix; processors of journals with other
	 * prefixes do not exclude each other
	 */
	public PostgresProcessorOwnership(DataSource dataSource, String tablePrefix) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.scope = new TablePrefix(tablePrefix).value() + "processors";
	}

	@Override
	public boolean tryAcquire(String processor) {
		if (this.held.containsKey(processor)) {
			return isHeld(processor);
		}
		Connection connection = null;
		try {
			connection = this.dataSource.getConnection();
			connection.setAutoCommit(true);
			try (PreparedStatement lock = connection
				.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), hashtext(?))")) {
				lock.setString(1, this.scope);
				lock.setString(2, processor);
				try (ResultSet result = lock.executeQuery()) {
					if (result.next() && result.getBoolean(1)) {
						this.held.put(processor, connection);
						return true;
					}
				}
			}
			connection.close();
			return false;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			logger.log(Level.DEBUG, "Cannot try the ownership of processor '" + processor + "'", ex);
			return false;
		}
	}

	@Override
	public boolean isHeld(String processor) {
		Connection connection = this.held.get(processor);
		if (connection == null) {
			return false;
		}
		try (Statement statement = connection.createStatement()) {
			statement.setQueryTimeout(10);
			statement.execute("SELECT 1");
			return true;
		}
		catch (SQLException ex) {
			logger.log(Level.WARNING, "Lost the connection holding the ownership of processor '" + processor + "'", ex);
			release(processor);
			return false;
		}
	}

	@Override
	public void release(String processor) {
		Connection connection = this.held.remove(processor);
		if (connection == null) {
			return;
		}
		try (PreparedStatement unlock = connection
			.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), hashtext(?))")) {
			unlock.setString(1, this.scope);
			unlock.setString(2, processor);
			unlock.execute();
		}
		catch (SQLException ex) {
			// The connection is gone, and the lock with it.
		}
		closeQuietly(connection);
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// Nothing more to do.
			}
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL advisory locks (" + this.scope + ")";
	}

}
