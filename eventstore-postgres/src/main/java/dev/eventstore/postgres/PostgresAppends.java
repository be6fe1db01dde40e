package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.AppendResult;
import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.SubjectKeysChangedException;
import dev.eventstore.journal.support.ErrorText;
import dev.eventstore.journal.support.GroupCommitter;
import dev.eventstore.journal.support.JournalJson;
import dev.eventstore.journal.support.Retries;
import dev.eventstore.personal.SubjectKeysUsed;
import org.jspecify.annotations.Nullable;

/**
 * The write side of the PostgreSQL journal. An append in the caller's transaction joins
 * it; the others are grouped: whichever appender holds the group lock writes every queued
 * append with one call of the schema's {@code append} function (V6), in autocommit, so
 * the head lock, the version checks in queue order, the inserts, the {@code NOTIFY} and
 * the commit take one round trip. When any of the events' ids is already stored, the
 * function writes nothing and the group is written statement by statement, where
 * {@link Retries} tells a retry from a conflict. When one append fails the call, each is
 * written again alone, so it fails only its own caller; nothing was committed, so
 * positions stay gapless.
 */
final class PostgresAppends {

	private static final System.Logger logger = System.getLogger(PostgresAppends.class.getName());

	private static final String SCRIPT_V6 = "V6__append_function.sql";

	private static final String SCRIPT_V10 = "V10__checked_appends.sql";

	/** Most appends written in one transaction. */
	private static final int MAX_GROUP = 256;

	private final DataSource dataSource;

	private final ConnectionSource appendConnections;

	private final TablePrefix prefix;

	private final PostgresSql sql;

	private final String location;

	private final Runnable ensureOpen;

	/** The statements of an append that does not call the append function. */
	private final PostgresStatements statements;

	/** Checks append conditions under the head lock. */
	private final PostgresQueries queries;

	/** Writes a group the long way: statement by statement under the head lock. */
	private final LockedGroupWrites lockedGroups;

	/** Writes this process's concurrent appends in shared transactions. */
	private final GroupCommitter<Request> committer = new GroupCommitter<>(MAX_GROUP, Duration.ZERO, this::writeGroup);

	PostgresAppends(DataSource dataSource, ConnectionSource appendConnections, TablePrefix prefix, PostgresSql sql,
			String location, Runnable ensureOpen) {
		this.dataSource = dataSource;
		this.appendConnections = appendConnections;
		this.prefix = prefix;
		this.sql = sql;
		this.statements = new PostgresStatements(prefix, sql);
		this.queries = new PostgresQueries(prefix);
		this.lockedGroups = new LockedGroupWrites(dataSource, sql, this.statements, this.queries);
		this.location = location;
		this.ensureOpen = ensureOpen;
	}

	/** Appends in the caller's transaction, or in a group of this process's appends. */
	AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp, @Nullable SubjectKeysUsed keys) {
		Instant time = timestamp.truncatedTo(ChronoUnit.MICROS);
		Connection connection = acquire(streamId);
		boolean joined;
		try {
			joined = this.appendConnections.isInCallerTransaction(connection);
			if (joined) {
				return appendInCallerTransaction(connection,
						new Request(streamId, events, expected, condition, time, keys));
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
		Request request = new Request(streamId, events, expected, condition, time, keys);
		this.committer.submit(request);
		return request.stored;
	}

	/** Whether an append made now on this thread joins the caller's transaction. */
	boolean joinsCallerTransaction() {
		try {
			Connection connection = this.appendConnections.acquire();
			try {
				return this.appendConnections.isInCallerTransaction(connection);
			}
			finally {
				this.appendConnections.release(connection);
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException("Cannot get a connection to " + this.location + ": " + ex.getMessage(), ex);
		}
	}

	/** Joins the caller's transaction: neither commits nor rolls back. */
	private AppendResult appendInCallerTransaction(Connection connection, Request request) {
		String streamId = request.streamId;
		List<NewEvent> events = request.events;
		ExpectedVersion expected = request.expected;
		try {
			// The append function knows neither tags nor conditions.
			List<Outcome> outcomes = request.needsStatements() ? null : callAppend(connection, List.of(request));
			if (outcomes != null) {
				Outcome outcome = outcomes.get(0);
				if (outcome.firstPosition() == null) {
					throw new ConcurrencyConflictException(streamId, expected, outcome.versionBefore());
				}
				request.prepare(outcome.firstPosition(), outcome.versionBefore() + 1, null);
				return request.stored;
			}
			long last = this.statements.lockHead(connection);
			if (request.keys != null) {
				List<String> changed = this.statements.changedKeys(connection, List.of(request));
				if (!changed.isEmpty()) {
					throw new SubjectKeysChangedException(streamId, changed);
				}
			}
			long version = PostgresRows.streamVersion(connection, this.sql, streamId);
			Map<UUID, StoredEvent> stored = this.statements.storedWithIds(connection, List.of(request));
			List<StoredEvent> retried = Retries.storedCopy(streamId, events, expected, version, stored::get);
			if (retried != null) {
				return AppendResult.duplicate(retried);
			}
			if (!expected.matches(version)) {
				throw new ConcurrencyConflictException(streamId, expected, version);
			}
			if (request.condition != null) {
				List<Long> conflicts = this.queries
					.positionsEach(connection, List.of(request.condition), last,
							AppendConditionFailedException.MAX_LISTED)
					.get(0);
				if (!conflicts.isEmpty()) {
					throw new AppendConditionFailedException(streamId, request.condition, conflicts, version);
				}
			}
			request.prepare(last + 1, version + 1, null);
			this.statements.insertRows(connection, List.of(request));
			this.statements.advanceHead(connection, last + events.size());
			return request.stored;
		}
		catch (KeysChanged ex) {
			throw new SubjectKeysChangedException(streamId, List.copyOf(ex.subjects));
		}
		catch (SQLException ex) {
			throw appendFailure(streamId, ex, true, false);
		}
	}

	/**
	 * Writes a group of this process's appends with one call in autocommit: each
	 * request's expected version is checked in queue order, against the versions the
	 * group's earlier requests leave.
	 */
	private void writeGroup(List<Request> group) {
		this.ensureOpen.run();
		List<Outcome> outcomes;
		Connection connection;
		try {
			connection = this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			failGroup(group, ex, false);
			return;
		}
		if (group.stream().anyMatch(Request::needsStatements)) {
			closeQuietly(connection);
			this.lockedGroups.write(group, this::failGroup);
			return;
		}
		try (connection) {
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
			outcomes = callAppend(connection, group);
		}
		catch (KeysChanged ex) {
			writeAgainWithout(group, ex.subjects);
			return;
		}
		catch (SQLException ex) {
			// In autocommit the call is the commit: a lost connection leaves its outcome
			// unknown; any other failure rolled it back.
			failGroup(group, ex, isConnectionFailure(ex));
			return;
		}
		if (outcomes == null) {
			this.lockedGroups.write(group, this::failGroup);
			return;
		}
		for (Outcome outcome : outcomes) {
			Request request = group.get(outcome.request() - 1);
			if (outcome.firstPosition() == null) {
				request.fail(
						new ConcurrencyConflictException(request.streamId, request.expected, outcome.versionBefore()));
			}
			else {
				request.prepare(outcome.firstPosition(), outcome.versionBefore() + 1, null);
				request.succeeded();
			}
		}
	}

	/**
	 * After the append function wrote nothing because some keys changed: fails the
	 * requests sealed under them, and writes the others again.
	 */
	private void writeAgainWithout(List<Request> group, Set<String> changed) {
		List<Request> others = new ArrayList<>(group.size());
		for (Request request : group) {
			List<String> its = request.keysAmong(changed);
			if (its.isEmpty()) {
				others.add(request);
			}
			else {
				request.fail(new SubjectKeysChangedException(request.streamId, its));
			}
		}
		if (!others.isEmpty()) {
			writeGroup(others);
		}
	}

	/**
	 * Calls the schema's {@code append} function for the requests, in the connection's
	 * transaction (or as its own, in autocommit); {@code append_checked} when any of them
	 * was sealed with subjects' keys, which it checks.
	 * @return one outcome per request, in order; {@code null} when any of the events' ids
	 * is already stored and nothing was written
	 * @throws KeysChanged when one of the keys is no longer held, and nothing was written
	 */
	@Nullable List<Outcome> callAppend(Connection connection, List<Request> requests) throws SQLException {
		SubjectKeysArrays keys = SubjectKeysArrays.of(requests);
		if (requests.size() == 1 && requests.get(0).events.size() == 1) {
			Outcome outcome = callAppendOne(connection, requests.get(0), keys);
			return (outcome != null) ? List.of(outcome) : null;
		}
		int events = 0;
		for (Request request : requests) {
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
			Request request = requests.get(r);
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
	private @Nullable Outcome callAppendOne(Connection connection, Request request, @Nullable SubjectKeysArrays keys)
			throws SQLException {
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
	 * Fails the group's pending appends; when one append's statement failed it, writes
	 * each alone first, so that it fails only its own caller.
	 */
	private void failGroup(List<Request> group, SQLException ex, boolean committing) {
		List<Request> pending = group.stream().filter((request) -> !request.failed()).toList();
		if (!committing && pending.size() > 1 && !isConnectionFailure(ex)) {
			// Nothing was committed, so positions stay gapless.
			logger.log(Level.DEBUG, "A group of " + pending.size() + " appends failed; writing each alone", ex);
			pending.forEach((request) -> writeGroup(List.of(request)));
			return;
		}
		for (Request request : pending) {
			request.fail(appendFailure(request.streamId, ex, false, committing));
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Could not close a connection", ex);
		}
	}

	/**
	 * Whether the database is out of reach (SQL state class 08), not just one statement.
	 */
	private static boolean isConnectionFailure(SQLException ex) {
		String state = ex.getSQLState();
		return state == null || state.startsWith("08");
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

	static void rollbackQuietly(Connection connection, Exception failure) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	/**
	 * What the append function did with one request: wrote it from {@code firstPosition}
	 * on, or, when that is {@code null}, refused it because the stream was at
	 * {@code versionBefore}.
	 */
	record Outcome(int request, @Nullable Long firstPosition, long versionBefore) {
	}

	/** One caller's append on its way through a group. */
	static final class Request extends GroupCommitter.Request {

		final String streamId;

		final List<NewEvent> events;

		final ExpectedVersion expected;

		final @Nullable AppendCondition condition;

		final Instant time;

		/** The subjects' keys its values were sealed under, to check; null: none. */
		final @Nullable SubjectKeysUsed keys;

		AppendResult stored = AppendResult.stored(List.of());

		Request(String streamId, List<NewEvent> events, ExpectedVersion expected, @Nullable AppendCondition condition,
				Instant time, @Nullable SubjectKeysUsed keys) {
			this.streamId = streamId;
			this.events = events;
			this.expected = expected;
			this.condition = condition;
			this.time = time;
			this.keys = (keys != null && !keys.isEmpty()) ? keys : null;
		}

		/** The subjects of its keys that are among these. */
		List<String> keysAmong(Collection<String> subjects) {
			if (this.keys == null) {
				return List.of();
			}
			return this.keys.subjects().stream().filter(subjects::contains).toList();
		}

		/**
		 * Whether it must be written by statements under the head lock: the append
		 * functions of V6 write no tags and check no conditions.
		 */
		boolean needsStatements() {
			if (this.condition != null) {
				return true;
			}
			for (NewEvent event : this.events) {
				if (!event.tags().isEmpty()) {
					return true;
				}
			}
			return false;
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
		static @Nullable SubjectKeysArrays of(List<Request> requests) {
			List<String> subjects = new ArrayList<>();
			List<byte[]> keys = new ArrayList<>();
			for (Request request : requests) {
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
