package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
import dev.eventstore.StoredEvent;
import dev.eventstore.SubjectKeysChangedException;
import dev.eventstore.journal.support.Retries;
import dev.eventstore.postgres.PostgresAppends.Request;

/**
 * Writes a group of appends the long way, in one transaction that locks the head row
 * first: when some of its ids are stored already (a retry), and for the appends the
 * schema's append functions cannot write (tags) or check (append conditions). Each
 * request is checked in queue order against what the group's earlier requests leave.
 */
final class LockedGroupWrites {

	/** Fails what is left of a group whose transaction failed. */
	@FunctionalInterface
	interface GroupFailure {

		void failed(List<Request> group, SQLException ex, boolean committing);

	}

	private final DataSource dataSource;

	private final PostgresSql sql;

	private final PostgresStatements statements;

	private final PostgresQueries queries;

	LockedGroupWrites(DataSource dataSource, PostgresSql sql, PostgresStatements statements, PostgresQueries queries) {
		this.dataSource = dataSource;
		this.sql = sql;
		this.statements = statements;
		this.queries = queries;
	}

	/**
	 * Writes a group the long way, in one transaction with one head lock and one commit,
	 * when some of its ids are stored already: each request's expected version is checked
	 * in queue order, and a retry of a stored append is answered with the stored events.
	 */
	void write(List<Request> group, GroupFailure failGroup) {
		boolean committing = false;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				long last = this.statements.lockHead(connection);
				// One round trip each for the group's stream versions and conditions: the
				// head is locked, so what they read cannot change until the commit.
				Map<String, Long> versions = streamVersions(connection, group);
				Map<Request, List<Long>> committedConflicts = committedConflicts(connection, group, last);
				Map<UUID, StoredEvent> stored = this.statements.storedWithIds(connection, group);
				List<String> changedKeys = this.statements.changedKeys(connection, group);
				List<Request> writing = new ArrayList<>(group.size());
				List<Request> retriesInGroup = new ArrayList<>();
				long position = last;
				for (Request request : group) {
					List<String> changed = request.keysAmong(changedKeys);
					if (!changed.isEmpty()) {
						request.fail(new SubjectKeysChangedException(request.streamId, changed));
						continue;
					}
					long version = versions.getOrDefault(request.streamId, 0L);
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
					if (request.condition != null) {
						List<Long> conflicts = conflicts(request.condition, committedConflicts.get(request), writing);
						if (!conflicts.isEmpty()) {
							request.fail(new AppendConditionFailedException(request.streamId, request.condition,
									conflicts, version));
							continue;
						}
					}
					versions.put(request.streamId, version + request.events.size());
					request.prepare(position + 1, version + 1, stored);
					position += request.events.size();
					writing.add(request);
				}
				if (!writing.isEmpty()) {
					this.statements.insertRows(connection, writing);
					this.statements.advanceHead(connection, position);
				}
				writing.addAll(retriesInGroup);
				committing = true;
				connection.commit();
				writing.forEach(Request::succeeded);
			}
			catch (SQLException | RuntimeException ex) {
				if (!committing) {
					PostgresAppends.rollbackQuietly(connection, ex);
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			failGroup.failed(group, ex, committing);
		}
	}

	/**
	 * The first positions after the condition's that match its query: committed ones (the
	 * head is locked, so none can commit meanwhile), then those of the group's earlier
	 * requests, not yet inserted but ordered before this one.
	 */
	private static List<Long> conflicts(AppendCondition condition, List<Long> committed, List<Request> earlier) {
		List<Long> conflicts = new ArrayList<>(committed);
		for (Request request : earlier) {
			for (StoredEvent event : request.stored) {
				if (conflicts.size() < AppendConditionFailedException.MAX_LISTED && event.position() > condition.after()
						&& condition.query().matches(event)) {
					conflicts.add(event.position());
				}
			}
		}
		return conflicts;
	}

	/** The current version of each stream the group appends to (absent: 0). */
	private Map<String, Long> streamVersions(Connection connection, List<Request> group) throws SQLException {
		Set<String> streams = new LinkedHashSet<>();
		group.forEach((request) -> streams.add(request.streamId));
		if (streams.size() == 1) {
			String stream = streams.iterator().next();
			return new HashMap<>(Map.of(stream, PostgresRows.streamVersion(connection, this.sql, stream)));
		}
		Map<String, Long> versions = new HashMap<>();
		try (PreparedStatement select = connection.prepareStatement(this.sql.streamVersions)) {
			select.setArray(1, connection.createArrayOf("text", streams.toArray(new String[0])));
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					versions.put(rs.getString(1), rs.getLong(2));
				}
			}
		}
		return versions;
	}

	/**
	 * The committed matches of each conditional request's condition, in one statement.
	 */
	private Map<Request, List<Long>> committedConflicts(Connection connection, List<Request> group, long last)
			throws SQLException {
		List<Request> conditional = group.stream().filter((request) -> request.condition != null).toList();
		if (conditional.isEmpty()) {
			return Map.of();
		}
		List<List<Long>> found = this.queries.positionsEach(connection,
				conditional.stream().map((request) -> request.condition).toList(), last,
				AppendConditionFailedException.MAX_LISTED);
		Map<Request, List<Long>> byRequest = new IdentityHashMap<>();
		for (int i = 0; i < conditional.size(); i++) {
			byRequest.put(conditional.get(i), found.get(i));
		}
		return byRequest;
	}

}
