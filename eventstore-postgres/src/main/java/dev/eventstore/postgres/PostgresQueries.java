package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.eventstore.EventQuery;
import dev.eventstore.StoredEvent;

/**
 * Reads by {@link EventQuery} on the events table: each item a condition on the
 * {@code event_type} column (its index with the position) and on the {@code tags} array
 * ({@code @>}, its GIN index), the items joined by {@code OR}, in position order. Used by
 * reads, and by conditional appends after the head row is locked: under READ COMMITTED
 * each statement then sees every append committed before the lock was granted, and no
 * other can commit until this transaction does.
 */
final class PostgresQueries {

	private final TablePrefix prefix;

	PostgresQueries(TablePrefix prefix) {
		this.prefix = prefix;
	}

	/** The events matching a query in (after, upTo], at most {@code limit}. */
	List<StoredEvent> events(Connection connection, EventQuery query, long after, long upTo, int limit)
			throws SQLException {
		List<StoredEvent> events = new ArrayList<>();
		try (PreparedStatement select = prepare(connection, PostgresSql.COLUMNS, query, after, upTo, limit);
				ResultSet rs = select.executeQuery()) {
			while (rs.next()) {
				events.add(PostgresRows.toEvent(rs, this.prefix));
			}
		}
		return events;
	}

	/**
	 * The positions of events matching a query after a position, at most {@code limit}.
	 */
	List<Long> positions(Connection connection, EventQuery query, long after, int limit) throws SQLException {
		List<Long> positions = new ArrayList<>();
		try (PreparedStatement select = prepare(connection, "position", query, after, Long.MAX_VALUE, limit);
				ResultSet rs = select.executeQuery()) {
			while (rs.next()) {
				positions.add(rs.getLong(1));
			}
		}
		return positions;
	}

	private PreparedStatement prepare(Connection connection, String columns, EventQuery query, long after, long upTo,
			int limit) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT ").append(columns)
			.append(" FROM ")
			.append(this.prefix.events())
			.append(" WHERE position > ? AND position <= ?");
		List<Object> values = new ArrayList<>();
		if (!query.matchesAll()) {
			sql.append(" AND (");
			boolean first = true;
			for (EventQuery.Item item : query.items()) {
				sql.append(first ? "" : " OR ").append('(');
				first = false;
				boolean both = !item.types().isEmpty() && !item.tags().isEmpty();
				if (!item.types().isEmpty()) {
					sql.append("event_type = ANY(?)");
					values.add(connection.createArrayOf("text", item.types().toArray(new String[0])));
				}
				if (both) {
					sql.append(" AND ");
				}
				if (!item.tags().isEmpty()) {
					sql.append("tags @> ?::text[]");
					values.add(connection.createArrayOf("text", item.tags().toArray(new String[0])));
				}
				sql.append(')');
			}
			sql.append(')');
		}
		sql.append(" ORDER BY position LIMIT ?");
		PreparedStatement select = connection.prepareStatement(sql.toString());
		try {
			int parameter = 1;
			select.setLong(parameter++, after);
			select.setLong(parameter++, upTo);
			for (Object value : values) {
				select.setObject(parameter++, value);
			}
			select.setInt(parameter, limit);
			return select;
		}
		catch (SQLException | RuntimeException ex) {
			select.close();
			throw ex;
		}
	}

}
