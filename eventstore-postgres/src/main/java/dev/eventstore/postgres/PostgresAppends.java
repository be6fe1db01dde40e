package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.ErrorText;
import dev.eventstore.journal.support.GroupCommitter;
import dev.eventstore.journal.support.JournalJson;
import dev.eventstore.journal.support.Retries;
import org.jspecify.annotations.Nullable;

/**
 * The write side of the PostgreSQL journal. An append in the caller's transaction joins
 * it; the others are grouped: whichever appender holds the group lock writes every queued
 * append in one transaction, with one lock of the head row, one batch of inserts, one
 * {@code NOTIFY} and one commit, checking each append's expected version in queue order.
 * When one append's statement fails the transaction, each is written again alone, so it
 * fails only its own caller; nothing was committed, so positions stay gapless.
 */
final class PostgresAppends {

	private static final System.Logger logger = System.getLogger(PostgresAppends.class.getName());

	/** Most appends written in one transaction. */
	private static final int MAX_GROUP = 256;

	private final DataSource dataSource;

	private final ConnectionSource appendConnections;

	private final TablePrefix prefix;

	private final PostgresSql sql;

	private final String location;

	private final Runnable ensureOpen;

	/** Writes this process's concurrent appends in shared transactions. */
	private final GroupCommitter<Request> committer = new GroupCommitter<>(MAX_GROUP, 0, this::writeGroup);

	PostgresAppends(DataSource dataSource, ConnectionSource appendConnections, TablePrefix prefix, PostgresSql sql,
			String location, Runnable ensureOpen) {
		this.dataSource = dataSource;
		this.appendConnections = appendConnections;
		this.prefix = prefix;
		this.sql = sql;
		this.location = location;
		this.ensureOpen = ensureOpen;
	}

	/** Appends in the caller's transaction, or in a group of this process's appends. */
	AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		Instant time = timestamp.truncatedTo(ChronoUnit.MICROS);
		Connection connection = acquire(streamId);
		boolean joined;
		try {
			joined = this.appendConnections.isInCallerTransaction(connection);
			if (joined) {
				return appendInCallerTransaction(connection, streamId, events, expected, time);
			}
		}
		finally {
			try {
				this.appendConnections.release(connection);
			}
			catch (SQLException ex) {
				logger.log(Level.DEBUG, "Could not release a connection", ex);
			}
		}
		Request request = new Request(streamId, events, expected, time);
		this.committer.submit(request);
		return request.stored;
	}

	/** Joins the caller's transaction: neither commits nor rolls back. */
	private AppendResult appendInCallerTransaction(Connection connection, String streamId, List<NewEvent> events,
			ExpectedVersion expected, Instant time) {
		Request request = new Request(streamId, events, expected, time);
		try {
			long last = lockHead(connection);
			long version = PostgresRows.streamVersion(connection, this.sql, streamId);
			Map<UUID, StoredEvent> stored = storedWithIds(connection, List.of(request));
			List<StoredEvent> retried = Retries.storedCopy(streamId, events, expected, version, stored::get);
			if (retried != null) {
				return AppendResult.duplicate(retried);
			}
			if (!expected.matches(version)) {
				throw new ConcurrencyConflictException(streamId, expected, version);
			}
			request.prepare(last + 1, version + 1, null);
			insertRows(connection, List.of(request));
			advanceHead(connection, last + events.size());
			return request.stored;
		}
		catch (SQLException ex) {
			throw appendFailure(streamId, ex, true, false);
		}
	}

	/**
	 * Writes a group of this process's appends in one transaction, with one head lock and
	 * one commit: each request's expected version is checked in queue order, against the
	 * versions the group's earlier requests leave.
	 */
	private void writeGroup(List<Request> group) {
		this.ensureOpen.run();
		boolean committing = false;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				long last = lockHead(connection);
				Map<String, Long> versions = new HashMap<>();
				Map<UUID, StoredEvent> stored = storedWithIds(connection, group);
				List<Request> writing = new ArrayList<>(group.size());
				List<Request> retriesInGroup = new ArrayList<>();
				long position = last;
				for (Request request : group) {
					long version = versions.containsKey(request.streamId) ? versions.get(request.streamId)
							: PostgresRows.streamVersion(connection, this.sql, request.streamId);
					versions.put(request.streamId, version);
					List<StoredEvent> retried;
					try {
						retried = Retries.storedCopy(request.streamId, request.events, request.expected, version,
								stored::get);
					}
					catch (EventStoreException ex) {
						request.fail(ex);
						continue;
					}
					if (retried != null) {
						request.stored = AppendResult.duplicate(retried);
						retriesInGroup.add(request);
						continue;
					}
					if (!request.expected.matches(version)) {
						request.fail(new ConcurrencyConflictException(request.streamId, request.expected, version));
						continue;
					}
					versions.put(request.streamId, version + request.events.size());
					request.prepare(position + 1, version + 1, stored);
					position += request.events.size();
					writing.add(request);
				}
				if (!writing.isEmpty()) {
					insertRows(connection, writing);
					advanceHead(connection, position);
				}
				writing.addAll(retriesInGroup);
				committing = true;
				connection.commit();
				writing.forEach(Request::succeeded);
			}
			catch (SQLException | RuntimeException ex) {
				if (!committing) {
					rollbackQuietly(connection, ex);
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			List<Request> pending = group.stream().filter((request) -> !request.failed()).toList();
			if (!committing && pending.size() > 1 && !isConnectionFailure(ex)) {
				// One request's statement failed the whole transaction: write each alone,
				// so
				// that it fails only its own caller. Nothing was committed, so positions
				// stay gapless.
				logger.log(Level.DEBUG, "A group of " + pending.size() + " appends failed; writing each alone", ex);
				pending.forEach((request) -> writeGroup(List.of(request)));
				return;
			}
			for (Request request : pending) {
				request.fail(appendFailure(request.streamId, ex, false, committing));
			}
		}
	}

	/**
	 * Whether the database is out of reach (SQL state class 08), not just one statement.
	 */
	private static boolean isConnectionFailure(SQLException ex) {
		String state = ex.getSQLState();
		return state == null || state.startsWith("08");
	}

	private long lockHead(Connection connection) throws SQLException {
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
	private void insertRows(Connection connection, List<Request> requests) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(this.sql.insertEvent)) {
			for (Request request : requests) {
				OffsetDateTime created = OffsetDateTime.ofInstant(request.time, ZoneOffset.UTC);
				for (StoredEvent event : request.stored) {
					insert.setLong(1, event.position());
					insert.setString(2, event.streamId());
					insert.setLong(3, event.version());
					insert.setString(4, event.type());
					insert.setString(5, JournalJson.write(event.data()));
					insert.setString(6, event.metadata().isEmpty() ? null : JournalJson.write(event.metadata()));
					insert.setObject(7, created);
					insert.setObject(8, event.id());
					insert.setInt(9, event.revision());
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
	private Map<UUID, StoredEvent> storedWithIds(Connection connection, List<Request> requests) throws SQLException {
		List<UUID> ids = new ArrayList<>();
		for (Request request : requests) {
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

	private void advanceHead(Connection connection, long newLast) throws SQLException {
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

	private Connection acquire(String streamId) {
		try {
			return this.appendConnections.acquire();
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot get a connection to append to stream " + ErrorText.quote(streamId)
					+ " in " + this.location + ": " + ex.getMessage() + "; nothing was stored", ex);
		}
	}

	private EventStoreException appendFailure(String streamId, SQLException ex, boolean joined, boolean committing) {
		String outcome;
		if (joined) {
			outcome = "the caller's transaction must roll back";
		}
		else if (committing) {
			outcome = "the commit's outcome is unknown: read the stream to see whether the events are there";
		}
		else {
			outcome = "the transaction was rolled back and nothing was stored";
		}
		String state = (ex.getSQLState() != null) ? " (SQL state " + ex.getSQLState() + ")" : "";
		return new EventStoreException("Could not append to stream " + ErrorText.quote(streamId) + " in "
				+ this.location + state + ": " + ErrorText.abbreviate(String.valueOf(ex.getMessage())) + "; " + outcome,
				ex);
	}

	private static void rollbackQuietly(Connection connection, Exception failure) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	/** One caller's append on its way through a group. */
	private static final class Request extends GroupCommitter.Request {

		final String streamId;

		final List<NewEvent> events;

		final ExpectedVersion expected;

		final Instant time;

		AppendResult stored = AppendResult.stored(List.of());

		Request(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant time) {
			this.streamId = streamId;
			this.events = events;
			this.expected = expected;
			this.time = time;
		}

		/**
		 * Gives the events their positions and versions, and makes them known to later
		 * requests of the group by id.
		 */
		void prepare(long firstPosition, long firstVersion, @Nullable Map<UUID, StoredEvent> byId) {
			List<StoredEvent> events = new ArrayList<>(this.events.size());
			for (int i = 0; i < this.events.size(); i++) {
				NewEvent event = this.events.get(i);
				StoredEvent stored = StoredEvent.appended(firstPosition + i, this.streamId, firstVersion + i, event,
						this.time);
				events.add(stored);
				if (byId != null) {
					byId.put(event.id(), stored);
				}
			}
			this.stored = AppendResult.stored(events);
		}

	}

}
