package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.eventstore.AppendCondition;
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
	 * For each condition, the first positions after its own that match its query: one
	 * statement for all of them ({@code UNION ALL} of one branch a condition), so that a
	 * group of conditional appends checks them all in one round trip under the head lock.
	 */
	List<List<Long>> positionsEach(Connection connection, List<AppendCondition> conditions, long last, int limit)
			throws SQLException {
		List<List<Long>> found = new ArrayList<>(conditions.size());
		StringBuilder sql = new StringBuilder();
		List<Object> values = new ArrayList<>();
		for (int i = 0; i < conditions.size(); i++) {
			found.add(new ArrayList<>());
			AppendCondition condition = conditions.get(i);
			sql.append((i == 0) ? "" : " UNION ALL ")
				.append("(SELECT ")
				.append(i)
				.append(", position FROM ")
				.append(this.prefix.events());
			positionRange(sql, condition.after(), last);
			appendItems(sql, values, connection, condition.query());
			sql.append(" ORDER BY position LIMIT ?)");
			values.add(limit);
		}
		try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
			for (int i = 0; i < values.size(); i++) {
				select.setObject(i + 1, values.get(i));
			}
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					found.get(rs.getInt(1)).add(rs.getLong(2));
				}
			}
		}
		for (List<Long> positions : found) {
			positions.sort(null);
		}
		return found;
	}

	/**
	 * Appends the position range as literal numbers, not parameters: the planner then
	 * knows how many rows the range holds (a condition's range is usually the few rows
	 * since a decision's read, where the position index wins; a query's is usually all of
	 * them, where the type and tag indexes do), which a generic plan of a prepared
	 * statement would only guess. They are numbers, so nothing needs quoting.
	 */
	private static void positionRange(StringBuilder sql, long after, long upTo) {
		sql.append(" WHERE position > ").append(after).append(" AND position <= ").append(upTo);
	}

	/** Appends {@code AND (item OR item ...)} for a query that does not match all. */
	private static void appendItems(StringBuilder sql, List<Object> values, Connection connection, EventQuery query)
			throws SQLException {
		if (query.matchesAll()) {
			return;
		}
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

	private PreparedStatement prepare(Connection connection, String columns, EventQuery query, long after, long upTo,
			int limit) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(this.prefix.events());
		positionRange(sql, after, upTo);
		List<Object> values = new ArrayList<>();
		appendItems(sql, values, connection, query);
		sql.append(" ORDER BY position LIMIT ?");
		PreparedStatement select = connection.prepareStatement(sql.toString());
		try {
			int parameter = 1;
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
