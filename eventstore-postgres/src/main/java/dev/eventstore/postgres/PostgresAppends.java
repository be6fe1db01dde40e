package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
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

	/** Calls the schema's append functions. */
	private final AppendFunctions functions;

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
		this.functions = new AppendFunctions(prefix, sql, location);
		this.location = location;
		this.ensureOpen = ensureOpen;
	}

	/** The append functions' calls, for an import's single transaction. */
	AppendFunctions functions() {
		return this.functions;
	}

	/**
	 * The statements of an append under the head lock, for an import of tagged events.
	 */
	PostgresStatements statements() {
		return this.statements;
	}

	PostgresSql sql() {
		return this.sql;
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
			List<AppendFunctions.Outcome> outcomes = request.needsStatements() ? null
					: this.functions.call(connection, List.of(request));
			if (outcomes != null) {
				AppendFunctions.Outcome outcome = outcomes.get(0);
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
		catch (AppendFunctions.KeysChanged ex) {
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
		List<AppendFunctions.Outcome> outcomes;
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
			outcomes = this.functions.call(connection, group);
		}
		catch (AppendFunctions.KeysChanged ex) {
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
		for (AppendFunctions.Outcome outcome : outcomes) {
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

}
