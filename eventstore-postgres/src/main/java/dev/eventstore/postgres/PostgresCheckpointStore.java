package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointConflictException;
import dev.eventstore.processor.CheckpointStore;
import org.jspecify.annotations.Nullable;

/**
 * Processor checkpoints in the {@code <prefix>checkpoints} table of the journal's schema
 * (created with the journal's schema, script {@code V4__processor_checkpoints.sql}), one
 * row for each processor. A save is a compare-and-set on the row: an instance that lost
 * the processor to another cannot move its checkpoint.
 *
 * <p>
 * Saves go through a {@link ConnectionSource}: one that joins the caller's transaction
 * (as the Spring Boot starter's does) makes this store {@linkplain #isTransactional()
 * transactional}, so a handler's writes to the same database commit with the checkpoint.
 * Thread-safe.
 *
 * @since 0.2.0
 */
public final class PostgresCheckpointStore implements CheckpointStore {

	private final ConnectionSource connections;

	private final boolean transactional;

	private final String table;

	private PostgresCheckpointStore(ConnectionSource connections, boolean transactional, String tablePrefix) {
		this.connections = Objects.requireNonNull(connections, "connections");
		this.transactional = transactional;
		this.table = new TablePrefix(tablePrefix).checkpoints();
	}

	/**
	 * A store whose every save commits on its own.
	 * @param dataSource the journal's database
	 * @param tablePrefix the journal's table prefix
	 * @return the store
	 */
	public static PostgresCheckpointStore of(DataSource dataSource, String tablePrefix) {
		return new PostgresCheckpointStore(ConnectionSource.of(dataSource), false, tablePrefix);
	}

	/**
	 * A store whose saves join the transaction that the connection source hands out, for
	 * processors with {@link dev.eventstore.processor.HandlerTransactions} on the same
	 * database.
	 * @param connections connections of the caller's transaction
	 * @param tablePrefix the journal's table prefix
	 * @return the store
	 */
	public static PostgresCheckpointStore transactional(ConnectionSource connections, String tablePrefix) {
		return new PostgresCheckpointStore(connections, true, tablePrefix);
	}

	@Override
	public boolean isTransactional() {
		return this.transactional;
	}

	@Override
	public Optional<Checkpoint> load(String processor) {
		try {
			Connection connection = this.connections.acquire();
			try (PreparedStatement select = connection
				.prepareStatement("SELECT position, replay_until FROM " + this.table + " WHERE processor = ?")) {
				select.setString(1, processor);
				try (ResultSet row = select.executeQuery()) {
					return row.next() ? Optional.of(new Checkpoint(row.getLong(1), row.getLong(2))) : Optional.empty();
				}
			}
			finally {
				this.connections.release(connection);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot read the checkpoint of processor '" + processor + "' from "
					+ this.table + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
		int changed;
		try {
			Connection connection = this.connections.acquire();
			try (PreparedStatement save = connection.prepareStatement((expected == null)
					? "INSERT INTO " + this.table + " (position, replay_until, processor) VALUES (?, ?, ?) "
							+ "ON CONFLICT (processor) DO NOTHING"
					: "UPDATE " + this.table + " SET position = ?, replay_until = ?, updated_at = now() "
							+ "WHERE processor = ? AND position = ? AND replay_until = ?")) {
				save.setLong(1, next.position());
				save.setLong(2, next.replayUntil());
				save.setString(3, processor);
				if (expected != null) {
					save.setLong(4, expected.position());
					save.setLong(5, expected.replayUntil());
				}
				changed = save.executeUpdate();
			}
			finally {
				this.connections.release(connection);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot save the checkpoint of processor '" + processor + "' to " + this.table
					+ ": " + ex.getMessage(), ex);
		}
		if (changed != 1) {
			throw new CheckpointConflictException("The checkpoint of processor '" + processor + "' in " + this.table
					+ " is no longer " + ((expected == null) ? "missing" : expected)
					+ ": another instance moved it; nothing was saved");
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL table " + this.table;
	}

}
