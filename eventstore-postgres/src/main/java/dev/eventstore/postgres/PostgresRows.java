package dev.eventstore.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.eventstore.EventStoreException;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.ErrorText;
import dev.eventstore.journal.support.JournalJson;
import org.jspecify.annotations.Nullable;

/**
 * Rows of the events table as stored events, and the queries both reads and appends use.
 */
final class PostgresRows {

	private PostgresRows() {
	}

	/** An event from a row selected with the journal's column list. */
	static StoredEvent toEvent(ResultSet rs, TablePrefix prefix) throws SQLException {
		long position = rs.getLong(1);
		UUID id = rs.getObject(8, UUID.class);
		return StoredEvent.fromJson(position, rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(9),
				rs.getString(5).getBytes(StandardCharsets.UTF_8), metadata(rs.getString(6), prefix),
				rs.getObject(7, OffsetDateTime.class).toInstant(), id, tags(rs.getArray(10)));
	}

	private static List<String> tags(@Nullable Array array) throws SQLException {
		return (array == null) ? List.of() : List.of((String[]) array.getArray());
	}

	private static Map<String, Object> metadata(@Nullable String json, TablePrefix prefix) {
		try {
			return JournalJson.read(json, "Metadata in table " + prefix.events());
		}
		catch (IllegalArgumentException ex) {
			throw new EventStoreException("Table " + prefix.events() + " holds metadata that is not a JSON object: "
					+ ErrorText.abbreviate(String.valueOf(json)), ex);
		}
	}

	/** A stream's current version, 0 for an unknown stream. */
	static long streamVersion(Connection connection, PostgresSql sql, String streamId) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(sql.streamVersion)) {
			query.setString(1, streamId);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next() ? rs.getLong(1) : 0;
			}
		}
	}

}
