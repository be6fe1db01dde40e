package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import dev.eventstore.AppendCondition;
import dev.eventstore.AppendResult;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.Journal;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.SubjectKeyStore;
import dev.eventstore.personal.SubjectKeysUsed;
import org.jspecify.annotations.Nullable;

/**
 * A journal in a PostgreSQL table that several processes share, each through its own
 * {@link dev.eventstore.EventStore}. An append locks the one head row, checks the
 * expected version, inserts its events on the next positions and commits: appends are
 * serialised, so positions are gapless and commit in order, and a reader that asks for
 * "everything after position p" can never skip an event committed late. Reads see
 * committed events only. A {@code NOTIFY} at each commit wakes the other processes'
 * subscribers (with the PostgreSQL JDBC driver; others poll).
 *
 * <p>
 * Timestamps are kept to the microsecond, as PostgreSQL does. Thread-safe: each call uses
 * its own connection.
 *
 * @since 0.1.0
 */
public final class PostgresJournal implements Journal {

	private final DataSource dataSource;

	private final TablePrefix prefix;

	private final String location;

	private final PostgresSql sql;

	private final PostgresAppends appends;

	private final PostgresImport imports;

	private final PostgresQueries queries;

	/** Whether the schema has the append functions that check subjects' keys (V10). */
	private final boolean checkedAppends;

	private volatile boolean closed;

	private PostgresJournal(DataSource dataSource, ConnectionSource appendConnections, TablePrefix prefix,
			String location, boolean checkedAppends) {
		this.dataSource = dataSource;
		this.checkedAppends = checkedAppends;
		this.prefix = prefix;
		this.location = location;
		this.sql = new PostgresSql(prefix);
		this.appends = new PostgresAppends(dataSource, appendConnections, prefix, this.sql, location, this::ensureOpen);
		this.queries = new PostgresQueries(prefix);
		this.imports = new PostgresImport(dataSource, this.appends, location, this::ensureOpen);
	}

	/**
	 * A builder for a journal over a pool of connections.
	 * @param dataSource the pool; its connections must reach PostgreSQL
	 * @return the builder
	 */
	public static Builder builder(DataSource dataSource) {
		return new Builder(dataSource);
	}

	/**
	 * The SQL that creates the journal's tables with the given prefix, for migration
	 * tools.
	 */
	public static String schemaScript(String tablePrefix) {
		return Schema.script(new TablePrefix(tablePrefix));
	}

	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected, Instant timestamp) {
		ensureOpen();
		return this.appends.append(streamId, events, expected, null, timestamp, null);
	}

	/**
	 * Appends under a condition: the group's transaction locks the head row, checks the
	 * condition with a query that sees every committed append (no other can commit until
	 * this one does), then inserts.
	 */
	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			AppendCondition condition, Instant timestamp) {
		ensureOpen();
		return this.appends.append(streamId, events, expected, condition, timestamp, null);
	}

	/**
	 * True for a {@link PostgresSubjectKeyStore} over the same pool and table prefix,
	 * once the schema has the checking append functions
	 * ({@code V10__checked_appends.sql}): the append then checks the subjects' keys in
	 * its own statement, and the store saves the round trip of asking the key table
	 * before sealing.
	 */
	@Override
	public boolean checksSubjectKeys(SubjectKeyStore keys) {
		return this.checkedAppends && keys instanceof PostgresSubjectKeyStore store
				&& store.isBeside(this.dataSource, this.prefix);
	}

	/**
	 * Appends if the key table still holds every key the events' values were sealed
	 * under: checked in the append function's own statement ({@code append_checked}), or,
	 * for the appends written the long way, by a query under the head lock.
	 */
	@Override
	public AppendResult append(String streamId, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition, Instant timestamp, SubjectKeysUsed keys) {
		ensureOpen();
		return this.appends.append(streamId, events, expected, condition, timestamp, keys);
	}

	/**
	 * Reads by query as of the head's position when the read began: every position up to
	 * it is committed (the head advances in the transaction that inserts), so the result
	 * holds every matching event up to it.
	 */
	@Override
	public QueryResult read(EventQuery query, long fromPosition, int maxCount) {
		ensureOpen();
		if (fromPosition < 1 || maxCount < 0) {
			throw new IllegalArgumentException(
					"fromPosition must be >= 1 and maxCount >= 0, were " + fromPosition + " and " + maxCount);
		}
		try (Connection connection = this.dataSource.getConnection()) {
			long last = lastPosition(connection);
			int limit = (maxCount == Integer.MAX_VALUE) ? maxCount : maxCount + 1;
			List<StoredEvent> events = new ArrayList<>(
					this.queries.events(connection, query, fromPosition - 1, last, limit));
			long position = last;
			if (events.size() > maxCount) {
				position = events.get(maxCount).position() - 1;
				events = events.subList(0, maxCount);
			}
			return new QueryResult(events, position);
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	/**
	 * Writes events read from another journal, keeping their positions, stream versions,
	 * timestamps (to the microsecond), ids, revisions and metadata: the migration path
	 * from a file journal. The events are written in one transaction with one round trip,
	 * all or none: they must be in position order and continue this journal exactly (the
	 * first is at {@link #lastPosition()} + 1, each stream's versions follow on), or
	 * nothing is written and the exception names the first event that does not fit.
	 * Subscribers see the events as if they had been appended.
	 * @param events events in position order, e.g. a page of another store's
	 * {@code readAll}
	 * @throws EventStoreException when the events do not continue this journal, an id is
	 * stored already, or the database fails; nothing was written
	 */
	public void importEvents(List<StoredEvent> events) {
		ensureOpen();
		this.imports.importEvents(events);
	}

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		return query(this.sql.selectStream, (ps) -> {
			ps.setString(1, streamId);
			ps.setLong(2, fromVersion);
			ps.setInt(3, maxCount);
		});
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		return query(this.sql.selectAll, (ps) -> {
			ps.setLong(1, fromPosition);
			ps.setInt(2, maxCount);
		});
	}

	@Override
	public long streamVersion(String streamId) {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection()) {
			return PostgresRows.streamVersion(connection, this.sql, streamId);
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	@Override
	public List<String> streamIds(String prefix, @Nullable String after, int limit) {
		ensureOpen();
		// The first version of each stream: one row per stream, found through the stream
		// index.
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(this.sql.streamIds)) {
			ps.setString(1, prefix);
			ps.setString(2, (after != null) ? after : "");
			ps.setInt(3, limit);
			try (ResultSet rs = ps.executeQuery()) {
				List<String> ids = new ArrayList<>();
				while (rs.next()) {
					String id = rs.getString(1);
					if (!id.startsWith(prefix)) {
						break;
					}
					ids.add(id);
				}
				return ids;
			}
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	@Override
	public long streamCount() {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.sql.streamCount)) {
			return rs.next() ? rs.getLong(1) : 0;
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	@Override
	public long lastPosition() {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection()) {
			return lastPosition(connection);
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	private long lastPosition(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.sql.lastPosition)) {
			return rs.next() ? rs.getLong(1) : 0;
		}
	}

	private List<StoredEvent> query(String sql, Binder binder) {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(sql)) {
			binder.bind(ps);
			try (ResultSet rs = ps.executeQuery()) {
				List<StoredEvent> events = new ArrayList<>();
				while (rs.next()) {
					events.add(PostgresRows.toEvent(rs, this.prefix));
				}
				return events;
			}
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	private EventStoreException readFailure(SQLException ex) {
		return new EventStoreException("Cannot read " + this.location + ": " + ex.getMessage(), ex);
	}

	/**
	 * Inside a transaction of the caller's connection source (Spring's, in the starter).
	 */
	@Override
	public boolean joinsCallerTransaction() {
		ensureOpen();
		return this.appends.joinsCallerTransaction();
	}

	@Override
	public boolean isShared() {
		return true;
	}

	@Override
	public AutoCloseable watchCommits(Runnable onCommit) {
		PostgresCommitListener listener = new PostgresCommitListener(this.dataSource, this.prefix.events(),
				this.location, onCommit);
		listener.start();
		return listener::stop;
	}

	@Override
	public String location() {
		return this.location;
	}

	@Override
	public long sizeBytes() {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement ps = connection.prepareStatement(this.sql.tableSize)) {
			ps.setString(1, this.prefix.events());
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getLong(1) : -1;
			}
		}
		catch (SQLException ex) {
			return -1;
		}
	}

	@Override
	public Map<String, Object> details() {
		return Map.of("table", this.prefix.events());
	}

	private void ensureOpen() {
		if (this.closed) {
			throw new IllegalStateException("Journal " + this.location + " is closed");
		}
	}

	/** The journal leaves the pool open: it is the application's. */
	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public String toString() {
		return "PostgresJournal[" + this.location + "]";
	}

	@FunctionalInterface
	private interface Binder {

		void bind(PreparedStatement statement) throws SQLException;

	}

	/** Builds a {@link PostgresJournal}. */
	public static final class Builder {

		private final DataSource dataSource;

		private ConnectionSource appendConnections;

		private String tablePrefix = "eventstore_";

		private boolean initializeSchema;

		Builder(DataSource dataSource) {
			this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
			this.appendConnections = ConnectionSource.of(dataSource);
		}

		/**
		 * The prefix of the journal's tables ({@code <prefix>events},
		 * {@code <prefix>head}); {@code eventstore_} by default.
		 * @param tablePrefix lower-case letters, digits and underscores
		 * @return this builder
		 */
		public Builder tablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
			return this;
		}

		/**
		 * Whether to create the tables when missing; off by default, for schemas managed
		 * by a migration tool (see {@link PostgresJournal#schemaScript(String)}).
		 * @param initializeSchema whether to apply the schema script on build
		 * @return this builder
		 */
		public Builder initializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
			return this;
		}

		/**
		 * Where appends get their connection; a source that returns connections of a
		 * caller's transaction makes appends join it.
		 * @param connections the source
		 * @return this builder
		 */
		public Builder appendConnections(ConnectionSource connections) {
			this.appendConnections = Objects.requireNonNull(connections, "connections");
			return this;
		}

		/**
		 * Validates the configuration, applies the schema if asked, and checks the tables
		 * are there.
		 * @return the journal
		 * @throws IllegalArgumentException if the table prefix is not valid
		 * @throws EventStoreException if the database cannot be reached or lacks the
		 * tables
		 */
		public PostgresJournal build() {
			TablePrefix prefix = new TablePrefix(this.tablePrefix);
			String url;
			boolean checkedAppends;
			try (Connection connection = this.dataSource.getConnection()) {
				url = connection.getMetaData().getURL();
				if (this.initializeSchema) {
					Schema.apply(connection, prefix);
				}
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT last_position FROM " + prefix.head() + " WHERE id = 1").close();
					statement.executeQuery("SELECT event_uuid, revision FROM " + prefix.events() + " LIMIT 0").close();
				}
				if (!functionExists(connection, prefix.value() + "append")) {
					throw new SQLException("function " + prefix.value() + "append does not exist");
				}
				// Optional: without it, appends of personal data ask the key table first.
				checkedAppends = functionExists(connection, prefix.value() + "append_checked");
			}
			catch (SQLException ex) {
				throw new EventStoreException("Cannot use PostgreSQL tables " + prefix.events() + "/" + prefix.head()
						+ ": " + ex.getMessage() + (this.initializeSchema ? ""
								: " (create them with initialize-schema or the scripts " + Schema.SCRIPTS + ")"),
						ex);
			}
			return new PostgresJournal(this.dataSource, this.appendConnections, prefix,
					"postgresql " + withoutParameters(url) + " table " + prefix.events(), checkedAppends);
		}

		private static boolean functionExists(Connection connection, String name) throws SQLException {
			try (PreparedStatement function = connection.prepareStatement(
					"SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = ? AND pg_function_is_visible(oid))")) {
				function.setString(1, name);
				try (ResultSet rs = function.executeQuery()) {
					return rs.next() && rs.getBoolean(1);
				}
			}
		}

		/**
		 * The URL without its parameters: the driver lists every one of them (dozens),
		 * and a URL's parameters may hold a user's password; the location appears in
		 * error messages, health details and the actuator endpoint.
		 */
		static String withoutParameters(String url) {
			int query = url.indexOf('?');
			return (query < 0) ? url : url.substring(0, query);
		}

	}

}
