package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import dev.eventstore.processor.Checkpoint;
import dev.eventstore.processor.CheckpointConflictException;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.ParkedEvent;
import org.jspecify.annotations.Nullable;

/**
 * Processor checkpoints in the {@code <prefix>checkpoints} table of the journal's schema
 * (created with the journal's schema, script {@code V4__processor_checkpoints.sql}), one
 * row for each processor (or segment), and their parked events in
 * {@code <prefix>parked_events} ({@code V9__parked_events.sql}). A save is a
 * compare-and-set on the row: an instance that lost the processor to another cannot move
 * its checkpoint.
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

	/** PostgreSQL's SQLSTATE for an undefined table. */
	private static final String MISSING_TABLE = "42P01";

	private final ConnectionSource connections;

	private final boolean transactional;

	private final String table;

	private final String parkedTable;

	/**
	 * Of a store whose saves commit on their own: each processor's events parked since
	 * its last save, in order, committed with the next one.
	 */
	private final Map<String, List<ParkedEvent>> pending = new ConcurrentHashMap<>();

	private PostgresCheckpointStore(ConnectionSource connections, boolean transactional, String tablePrefix) {
		this.connections = Objects.requireNonNull(connections, "connections");
		this.transactional = transactional;
		this.table = new TablePrefix(tablePrefix).checkpoints();
		this.parkedTable = new TablePrefix(tablePrefix).parkedEvents();
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
		List<ParkedEvent> parks = (this.transactional) ? List.of() : pendingParks(processor);
		int changed;
		try {
			Connection connection = this.connections.acquire();
			try {
				if (parks.isEmpty()) {
					changed = saveOn(connection, processor, expected, next);
				}
				else {
					// The events parked since the last save commit with the checkpoint
					// that
					// passes them: one commit a save rather than one a parked event.
					changed = saveWithParks(connection, processor, expected, next, parks);
				}
			}
			finally {
				this.connections.release(connection);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot save the checkpoint of processor '" + processor + "' to " + this.table
					+ ((parks.isEmpty()) ? "" : " with " + parks.size() + " parked events") + ": " + ex.getMessage()
					+ (MISSING_TABLE.equals(ex.getSQLState())
							? " (a table is missing: apply V9__parked_events.sql, or enable initialize-schema)" : ""),
					ex);
		}
		if (changed != 1) {
			// Another instance runs the processor now and parks its events itself.
			dropPending(processor, parks);
			throw new CheckpointConflictException("The checkpoint of processor '" + processor + "' in " + this.table
					+ " is no longer " + ((expected == null) ? "missing" : expected)
					+ ": another instance moved it; nothing was saved");
		}
		dropPending(processor, parks);
	}

	private int saveOn(Connection connection, String processor, @Nullable Checkpoint expected, Checkpoint next)
			throws SQLException {
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
			return save.executeUpdate();
		}
	}

	private int saveWithParks(Connection connection, String processor, @Nullable Checkpoint expected, Checkpoint next,
			List<ParkedEvent> parks) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			try (PreparedStatement insert = connection.prepareStatement(parkSql())) {
				for (ParkedEvent event : parks) {
					insert.setString(1, processor);
					setParked(insert, event);
					insert.addBatch();
				}
				insert.executeBatch();
			}
			int changed = saveOn(connection, processor, expected, next);
			if (changed == 1) {
				connection.commit();
			}
			else {
				connection.rollback();
			}
			return changed;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	/** A copy of the processor's events parked since its last save, in order. */
	private List<ParkedEvent> pendingParks(String processor) {
		List<ParkedEvent> parks = this.pending.get(processor);
		if (parks == null) {
			return List.of();
		}
		synchronized (parks) {
			return List.copyOf(parks);
		}
	}

	/** One statement. */
	@Override
	public void unparkAll(String processor, List<Long> positions) {
		for (long position : positions) {
			dropPending(processor, position);
		}
		change(processor, "DELETE FROM " + this.parkedTable + " WHERE processor = ? AND position = ANY (?)",
				(statement) -> statement.setArray(2,
						statement.getConnection().createArrayOf("bigint", positions.toArray(new Long[0]))));
	}

	private void dropPending(String processor, long position) {
		List<ParkedEvent> parks = this.pending.get(processor);
		if (parks != null) {
			synchronized (parks) {
				parks.removeIf((event) -> event.position() == position);
			}
		}
	}

	/** Forgets parks that are saved now, or never will be by this instance. */
	private void dropPending(String processor, List<ParkedEvent> parks) {
		if (parks.isEmpty()) {
			return;
		}
		List<ParkedEvent> left = this.pending.get(processor);
		if (left != null) {
			// By identity: those parked, or unparked, during the save stay as they are.
			Set<ParkedEvent> done = Collections.newSetFromMap(new IdentityHashMap<>());
			done.addAll(parks);
			synchronized (left) {
				left.removeIf(done::contains);
			}
		}
	}

	@Override
	public boolean keepsParkedEvents() {
		return true;
	}

	@Override
	public List<ParkedEvent> parked(String processor) {
		try {
			Connection connection = this.connections.acquire();
			try (PreparedStatement select = connection
				.prepareStatement("SELECT position, stream_id, type, attempts, error, parked_at FROM "
						+ this.parkedTable + " WHERE processor = ? ORDER BY position")) {
				select.setString(1, processor);
				SortedMap<Long, ParkedEvent> parked = new TreeMap<>();
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						parked.put(rows.getLong(1),
								new ParkedEvent(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getInt(4),
										rows.getString(5), rows.getTimestamp(6).toInstant()));
					}
				}
				for (ParkedEvent event : pendingParks(processor)) {
					parked.put(event.position(), event);
				}
				return List.copyOf(parked.values());
			}
			finally {
				this.connections.release(connection);
			}
		}
		catch (SQLException ex) {
			if (MISSING_TABLE.equals(ex.getSQLState())) {
				// A schema from before V9: nothing was ever parked in it.
				return List.of();
			}
			throw new EventStoreException("Cannot read the parked events of processor '" + processor + "' from "
					+ this.parkedTable + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void park(String processor, ParkedEvent event) {
		// A replacement (a retry failed again) wins over the same event parked earlier
		// and not committed yet.
		dropPending(processor, event.position());
		change(processor, parkSql(), (statement) -> setParked(statement, event));
	}

	/**
	 * Parks an event the processor passes: in the handler's transaction when the store is
	 * transactional; else in memory, committed with the processor's next checkpoint save,
	 * in its transaction (a jammed stream's events would otherwise cost a commit each).
	 * Until then a crash loses nothing: the checkpoint has not passed the event, which is
	 * delivered, and parked, again; this instance's {@link #parked} lists it meanwhile.
	 */
	@Override
	public void parkPassed(String processor, ParkedEvent event) {
		if (this.transactional) {
			park(processor, event);
			return;
		}
		List<ParkedEvent> parks = this.pending.computeIfAbsent(processor, (name) -> new ArrayList<>());
		synchronized (parks) {
			parks.add(event);
		}
	}

	private String parkSql() {
		return "INSERT INTO " + this.parkedTable
				+ " (processor, position, stream_id, type, attempts, error, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
				+ "ON CONFLICT (processor, position) DO UPDATE SET attempts = excluded.attempts, "
				+ "error = excluded.error, parked_at = excluded.parked_at";
	}

	private static void setParked(PreparedStatement statement, ParkedEvent event) throws SQLException {
		statement.setLong(2, event.position());
		statement.setString(3, event.streamId());
		statement.setString(4, event.type());
		statement.setInt(5, event.attempts());
		statement.setString(6, event.error());
		statement.setTimestamp(7, Timestamp.from(event.parkedAt()));
	}

	@Override
	public void unpark(String processor, long position) {
		dropPending(processor, position);
		change(processor, "DELETE FROM " + this.parkedTable + " WHERE processor = ? AND position = ?",
				(statement) -> statement.setLong(2, position));
	}

	private void change(String processor, String sql, ParkedParameters parameters) {
		try {
			Connection connection = this.connections.acquire();
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setString(1, processor);
				parameters.set(statement);
				statement.executeUpdate();
			}
			finally {
				this.connections.release(connection);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot save the parked events of processor '" + processor + "' to "
					+ this.parkedTable + ": " + ex.getMessage()
					+ (MISSING_TABLE.equals(ex.getSQLState())
							? " (the table is missing: apply V9__parked_events.sql, or enable initialize-schema)" : ""),
					ex);
		}
	}

	/** Sets a parked-event statement's parameters after the processor's name. */
	private interface ParkedParameters {

		void set(PreparedStatement statement) throws SQLException;

	}

	@Override
	public String toString() {
		return "PostgreSQL table " + this.table;
	}

}
