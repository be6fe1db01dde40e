package dev.eventstore.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import dev.eventstore.snapshot.Snapshot;
import dev.eventstore.snapshot.SnapshotStore;

/**
 * Snapshots in the {@code <prefix>snapshots} table of the journal's schema (script
 * {@code V5__snapshots.sql}), one row for each stream and state type, replaced by an
 * upsert that never puts an older snapshot of the same fingerprint over a newer one.
 * Thread-safe.
 *
 * @since 0.2.0
 */
public final class PostgresSnapshotStore implements SnapshotStore {

	private final DataSource dataSource;

	private final String table;

	private PostgresSnapshotStore(DataSource dataSource, String tablePrefix) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.table = new TablePrefix(tablePrefix).snapshots();
	}

	/**
	 * A store in the journal's schema.
	 * @param dataSource the journal's database
	 * @param tablePrefix the journal's table prefix
	 * @return the store
	 */
	public static PostgresSnapshotStore of(DataSource dataSource, String tablePrefix) {
		return new PostgresSnapshotStore(dataSource, tablePrefix);
	}

	@Override
	public Optional<Snapshot> load(String streamId, String stateType) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement("SELECT version, fingerprint, state FROM "
						+ this.table + " WHERE stream_id = ? AND state_type = ?")) {
			select.setString(1, streamId);
			select.setString(2, stateType);
			try (ResultSet row = select.executeQuery()) {
				if (!row.next()) {
					return Optional.empty();
				}
				return Optional.of(new Snapshot(streamId, stateType, row.getLong(1), row.getString(2),
						row.getString(3).getBytes(StandardCharsets.UTF_8)));
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException(
					"Cannot read the snapshot of stream '" + streamId + "' from " + this.table + ": " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public void save(Snapshot snapshot) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + this.table
						+ " AS s (stream_id, state_type, version, fingerprint, state) VALUES (?, ?, ?, ?, ?) "
						+ "ON CONFLICT (stream_id, state_type) DO UPDATE SET version = excluded.version, "
						+ "fingerprint = excluded.fingerprint, state = excluded.state, saved_at = now() "
						+ "WHERE s.version < excluded.version OR s.fingerprint <> excluded.fingerprint")) {
			upsert.setString(1, snapshot.streamId());
			upsert.setString(2, snapshot.stateType());
			upsert.setLong(3, snapshot.version());
			upsert.setString(4, snapshot.fingerprint());
			upsert.setString(5, new String(snapshot.state(), StandardCharsets.UTF_8));
			upsert.executeUpdate();
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot save " + snapshot + " to " + this.table + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL table " + this.table;
	}

}
