package dev.eventstore.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.journal.support.JournalJson;
import org.jspecify.annotations.Nullable;

/**
 * Calls of the schema's append functions for a group of appends: {@code append} and
 * {@code append_one} (V6), or, for appends whose personal values were sealed with
 * subjects' keys, {@code append_checked} and {@code append_one_checked} (V10), which
 * write only if the key table still holds those keys. Each call is one statement and one
 * round trip, in the connection's transaction or, in autocommit, as its own.
 */
final class AppendFunctions {

	private static final String SCRIPT_V6 = "V6__append_function.sql";

	private static final String SCRIPT_V10 = "V10__checked_appends.sql";

	private final TablePrefix prefix;

	private final PostgresSql sql;

	private final String location;

	AppendFunctions(TablePrefix prefix, PostgresSql sql, String location) {
		this.prefix = prefix;
		this.sql = sql;
		this.location = location;
	}

	/**
	 * Calls the schema's {@code append} function for the requests, in the connection's
	 * transaction (or as its own, in autocommit); {@code append_checked} when any of them
	 * was sealed with subjects' keys, which it checks.
	 * @return one outcome per request, in order; {@code null} when any of the events' ids
	 * is already stored and nothing was written
	 * @throws KeysChanged when one of the keys is no longer held, and nothing was written
	 */
	@Nullable List<Outcome> call(Connection connection, List<PostgresAppends.Request> requests) throws SQLException {
		SubjectKeysArrays keys = SubjectKeysArrays.of(requests);
		if (requests.size() == 1 && requests.get(0).events.size() == 1) {
			Outcome outcome = callOne(connection, requests.get(0), keys);
			return (outcome != null) ? List.of(outcome) : null;
		}
		int events = 0;
		for (PostgresAppends.Request request : requests) {
			events += request.events.size();
		}
		String[] streams = new String[requests.size()];
		Long[] expected = new Long[requests.size()];
		Integer[] counts = new Integer[requests.size()];
		String[] created = new String[requests.size()];
		UUID[] ids = new UUID[events];
		String[] types = new String[events];
		String[] data = new String[events];
		String[] metadata = new String[events];
		Integer[] revisions = new Integer[events];
		int e = 0;
		for (int r = 0; r < requests.size(); r++) {
			PostgresAppends.Request request = requests.get(r);
			streams[r] = request.streamId;
			expected[r] = expectedVersion(request.expected);
			counts[r] = request.events.size();
			created[r] = request.time.toString();
			for (NewEvent event : request.events) {
				ids[e] = event.id();
				types[e] = event.type();
				data[e] = JournalJson.data(event);
				metadata[e] = JournalJson.metadata(event);
				revisions[e] = event.revision();
				e++;
			}
		}
		try (PreparedStatement call = connection
			.prepareStatement((keys != null) ? this.sql.callAppendChecked : this.sql.callAppend)) {
			call.setArray(1, connection.createArrayOf("text", streams));
			call.setArray(2, connection.createArrayOf("int8", expected));
			call.setArray(3, connection.createArrayOf("int4", counts));
			call.setArray(4, connection.createArrayOf("text", created));
			call.setArray(5, connection.createArrayOf("uuid", ids));
			call.setArray(6, connection.createArrayOf("text", types));
			call.setArray(7, connection.createArrayOf("text", data));
			call.setArray(8, connection.createArrayOf("text", metadata));
			call.setArray(9, connection.createArrayOf("int4", revisions));
			if (keys != null) {
				keys.bind(connection, call, 10);
			}
			Long[] firstPositions;
			Long[] versions;
			try (ResultSet rs = call.executeQuery()) {
				rs.next();
				if (keys != null) {
					KeysChanged.check(rs.getArray(3));
				}
				Array first = rs.getArray(1);
				if (first == null) {
					return null;
				}
				firstPositions = (Long[]) first.getArray();
				versions = (Long[]) rs.getArray(2).getArray();
			}
			if (firstPositions.length != requests.size() || versions.length != requests.size()) {
				throw new EventStoreException("The append function of " + this.location + " answered "
						+ firstPositions.length + " outcomes for " + requests.size() + " appends; is " + SCRIPT_V6
						+ " applied unchanged?");
			}
			List<Outcome> outcomes = new ArrayList<>(requests.size());
			for (int r = 0; r < requests.size(); r++) {
				outcomes.add(new Outcome(r + 1, firstPositions[r], versions[r]));
			}
			return outcomes;
		}
		catch (SQLException ex) {
			throw missingFunction(ex, (keys != null) ? "append_checked" : "append");
		}
	}

	/**
	 * Calls the schema's {@code append_one} function: the same as {@code append} for one
	 * request of one event, without arrays.
	 * @return the outcome; {@code null} when the event's id is already stored and nothing
	 * was written
	 */
	private @Nullable Outcome callOne(Connection connection, PostgresAppends.Request request,
			@Nullable SubjectKeysArrays keys) throws SQLException {
		NewEvent event = request.events.get(0);
		try (PreparedStatement call = connection
			.prepareStatement((keys != null) ? this.sql.callAppendOneChecked : this.sql.callAppendOne)) {
			call.setString(1, request.streamId);
			call.setLong(2, expectedVersion(request.expected));
			call.setObject(3, OffsetDateTime.ofInstant(request.time, ZoneOffset.UTC));
			call.setObject(4, event.id());
			call.setString(5, event.type());
			call.setString(6, JournalJson.data(event));
			call.setString(7, JournalJson.metadata(event));
			call.setInt(8, event.revision());
			if (keys != null) {
				keys.bind(connection, call, 9);
			}
			try (ResultSet rs = call.executeQuery()) {
				rs.next();
				if (keys != null) {
					KeysChanged.check(rs.getArray(4));
				}
				if (rs.getBoolean(3)) {
					return null;
				}
				long position = rs.getLong(1);
				Long firstPosition = rs.wasNull() ? null : position;
				return new Outcome(1, firstPosition, rs.getLong(2));
			}
		}
		catch (SQLException ex) {
			throw missingFunction(ex, (keys != null) ? "append_one_checked" : "append_one");
		}
	}

	private SQLException missingFunction(SQLException ex, String function) {
		if ("42883".equals(ex.getSQLState())) {
			return new SQLException("The function " + this.prefix.value() + function + " is missing: apply "
					+ (function.endsWith("_checked") ? SCRIPT_V10 : SCRIPT_V6) + " (or enable initialize-schema); "
					+ ex.getMessage(), ex.getSQLState(), ex);
		}
		return ex;
	}

	/** The expected version as the append function takes it: -1 for any. */
	private static long expectedVersion(ExpectedVersion expected) {
		if (expected instanceof ExpectedVersion.Exactly exactly) {
			return exactly.version();
		}
		return (expected instanceof ExpectedVersion.NoStream) ? 0 : -1;
	}

	/**
	 * What the append function did with one request: wrote it from {@code firstPosition}
	 * on, or, when that is {@code null}, refused it because the stream was at
	 * {@code versionBefore}.
	 */
	record Outcome(int request, @Nullable Long firstPosition, long versionBefore) {
	}

	/**
	 * The append function wrote nothing: the key table no longer holds some of the keys
	 * the group's values were sealed under. Thrown only for requests with keys; their
	 * callers catch it.
	 */
	static final class KeysChanged extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final Set<String> subjects;

		private KeysChanged(Set<String> subjects) {
			super(null, null, false, false);
			this.subjects = subjects;
		}

		/** Throws when the function's {@code out_changed} names subjects. */
		static void check(@Nullable Array changed) throws SQLException {
			if (changed != null) {
				throw new KeysChanged(new LinkedHashSet<>(Arrays.asList((String[]) changed.getArray())));
			}
		}

	}

	/** The keys of a group's requests as the checked functions take them. */
	record SubjectKeysArrays(String[] subjects, byte[][] keys) {

		/** Null when none of the requests has keys. */
		static @Nullable SubjectKeysArrays of(List<PostgresAppends.Request> requests) {
			List<String> subjects = new ArrayList<>();
			List<byte[]> keys = new ArrayList<>();
			for (PostgresAppends.Request request : requests) {
				if (request.keys != null) {
					for (int i = 0; i < request.keys.subjects().size(); i++) {
						subjects.add(request.keys.subjects().get(i));
						keys.add(request.keys.wrappedKey(i));
					}
				}
			}
			return subjects.isEmpty() ? null
					: new SubjectKeysArrays(subjects.toArray(new String[0]), keys.toArray(new byte[0][]));
		}

		void bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
			statement.setArray(first, connection.createArrayOf("text", this.subjects));
			statement.setArray(first + 1, connection.createArrayOf("bytea", this.keys));
		}

	}

}
