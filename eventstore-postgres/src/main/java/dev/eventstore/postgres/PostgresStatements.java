package dev.eventstore.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.EventStoreException;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.JournalJson;

/**
 * The statements of an append that does not go through the append function: one joining a
 * caller's transaction, and the requests of a failed group written one at a time. Lock
 * the head row, find retried ids, insert the rows, move the head and notify. Stateless
 * apart from the SQL; thread-safe.
 */
final class PostgresStatements {

	private final TablePrefix prefix;

	private final PostgresSql sql;

	PostgresStatements(TablePrefix prefix, PostgresSql sql) {
		this.prefix = prefix;
		this.sql = sql;
	}

	long lockHead(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.sql.lockHead)) {
			if (!rs.next()) {
				throw new EventStoreException("Table " + this.prefix.head() + " has no head row; apply the schema ("
						+ Schema.SCRIPT + ") or enable initialize-schema");
			}
			return rs.getLong(1);
		}
	}

	/** Inserts the prepared requests' events, in one batch. */
	void insertRows(Connection connection, List<PostgresAppends.Request> requests) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(this.sql.insertEvent)) {
			for (PostgresAppends.Request request : requests) {
				OffsetDateTime created = OffsetDateTime.ofInstant(request.time, ZoneOffset.UTC);
				for (StoredEvent event : request.stored) {
					insert.setLong(1, event.position());
					insert.setString(2, event.streamId());
					insert.setLong(3, event.version());
					insert.setString(4, event.type());
					insert.setString(5, JournalJson.data(event));
					insert.setString(6, JournalJson.metadata(event));
					insert.setObject(7, created);
					insert.setObject(8, event.id());
					insert.setInt(9, event.revision());
					insert.setArray(10, event.tags().isEmpty() ? null
							: connection.createArrayOf("text", event.tags().toArray(new String[0])));
					insert.addBatch();
				}
			}
			insert.executeBatch();
		}
	}

	/**
	 * The stored events that have any of the requests' ids, with one query: a retry finds
	 * its first try's events here.
	 */
	/**
	 * The subjects among the requests' keys whose keys the key table no longer holds as
	 * the requests were sealed with them: erased since, or replaced.
	 */
	List<String> changedKeys(Connection connection, List<PostgresAppends.Request> requests) throws SQLException {
		AppendFunctions.SubjectKeysArrays keys = AppendFunctions.SubjectKeysArrays.of(requests);
		if (keys == null) {
			return List.of();
		}
		try (PreparedStatement select = connection.prepareStatement(this.sql.changedKeys)) {
			keys.bind(connection, select, 1);
			try (ResultSet rs = select.executeQuery()) {
				rs.next();
				Array changed = rs.getArray(1);
				return (changed != null) ? List.of((String[]) changed.getArray()) : List.of();
			}
		}
	}

	Map<UUID, StoredEvent> storedWithIds(Connection connection, List<PostgresAppends.Request> requests)
			throws SQLException {
		List<UUID> ids = new ArrayList<>();
		for (PostgresAppends.Request request : requests) {
			for (NewEvent event : request.events) {
				ids.add(event.id());
			}
		}
		Map<UUID, StoredEvent> stored = new HashMap<>();
		try (PreparedStatement query = connection.prepareStatement(this.sql.selectByIds)) {
			query.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					StoredEvent event = PostgresRows.toEvent(rs, this.prefix);
					stored.put(event.id(), event);
				}
			}
		}
		return stored;
	}

	void advanceHead(Connection connection, long newLast) throws SQLException {
		try (PreparedStatement head = connection.prepareStatement(this.sql.advanceHead)) {
			head.setLong(1, newLast);
			head.executeUpdate();
		}
		try (PreparedStatement notify = connection.prepareStatement(this.sql.notify)) {
			notify.setString(1, this.prefix.events());
			notify.setString(2, Long.toString(newLast));
			notify.execute();
		}
	}

}
