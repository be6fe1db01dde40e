package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.eventstore.EventStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code <prefix>rows} table the processor tests write a row per handled event into,
 * in the checkpoint's transaction, and what it must hold afterwards: exactly one row per
 * event, and each stream's rows in version order.
 */
final class RowsTable {

	private RowsTable() {
	}

	/** How many rows the table holds. */
	static long count(DataSource pool, String prefix) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + prefix + "rows")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/** Each stream's rows' versions, in the order they were inserted. */
	static Map<String, List<Long>> byStream(DataSource pool, String prefix) throws SQLException {
		Map<String, List<Long>> rows = new HashMap<>();
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("SELECT stream_id, version FROM " + prefix + "rows ORDER BY seq")) {
			while (result.next()) {
				rows.computeIfAbsent(result.getString(1), (s) -> new ArrayList<>()).add(result.getLong(2));
			}
		}
		return rows;
	}

	/** Exactly one row for each of the positions 1 to {@code events}. */
	static void assertOneRowPerEvent(DataSource pool, String prefix, long events) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT position), min(position), "
						+ "max(position) FROM " + prefix + "rows")) {
			rows.next();
			assertThat(List.of(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)))
				.containsExactly(events, events, 1L, events);
		}
	}

	/**
	 * Exactly one row per event of the store's first {@code events}, and each stream's
	 * rows in version order, 1 to the stream's last version.
	 */
	static void assertOneRowPerEventInStreamOrder(DataSource pool, String prefix, EventStore store, int events)
			throws SQLException {
		assertOneRowPerEvent(pool, prefix, events);
		Map<String, Long> last = new HashMap<>();
		store.readAll(1, events).forEach((e) -> last.merge(e.streamId(), e.version(), Math::max));
		Map<String, List<Long>> rows = byStream(pool, prefix);
		assertThat(rows.keySet()).isEqualTo(last.keySet());
		rows.forEach((stream, versions) -> {
			List<Long> expected = new ArrayList<>();
			for (long v = 1; v <= last.get(stream); v++) {
				expected.add(v);
			}
			assertThat(versions).as("rows of %s", stream).isEqualTo(expected);
		});
	}

}
