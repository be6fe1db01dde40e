package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.HashMap;

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
import dev.eventstore.Journal;
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

	private static final System.Logger logger = System.getLogger(PostgresJournal.class.getName());

	private final DataSource dataSource;

	private final ConnectionSource appendConnections;

	private final TablePrefix prefix;

	private final String location;

	private final String insertSql;

	private final String selectColumns;

	private volatile boolean closed;

	/** Writes this process's concurrent appends in shared transactions. */
	private final GroupCommitter<Request> committer = new GroupCommitter<>(MAX_GROUP, 0, this::writeGroup);

	/** Most appends written in one transaction. */
	private static final int MAX_GROUP = 256;

	private PostgresJournal(DataSource dataSource, ConnectionSource appendConnections, TablePrefix prefix,
			String location) {
		this.dataSource = dataSource;
		this.appendConnections = appendConnections;
		this.prefix = prefix;
		this.location = location;
		this.insertSql = "INSERT INTO " + prefix.events()
				+ " (position, stream_id, version, event_type, data, metadata, created_at, event_uuid, revision)"
				+ " VALUES (?, ?, ?, ?, ?::json, ?::json, ?, ?, ?)";
		this.selectColumns = "SELECT position, stream_id, version, event_type, data, metadata, created_at, event_uuid,"
				+ " revision FROM " + prefix.events();
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
			long version = queryVersion(connection, streamId);
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
		ensureOpen();
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
							: queryVersion(connection, request.streamId);
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
				ResultSet rs = statement
					.executeQuery("SELECT last_position FROM " + this.prefix.head() + " WHERE id = 1 FOR UPDATE")) {
			if (!rs.next()) {
				throw new EventStoreException("Table " + this.prefix.head() + " has no head row; apply the schema ("
						+ Schema.SCRIPT + ") or enable initialize-schema");
			}
			return rs.getLong(1);
		}
	}

	/** Inserts the prepared requests' events, in one batch. */
	private void insertRows(Connection connection, List<Request> requests) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(this.insertSql)) {
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
		try (PreparedStatement query = connection.prepareStatement(this.selectColumns + " WHERE event_uuid = ANY(?)")) {
			query.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					StoredEvent event = toEvent(rs);
					stored.put(event.id(), event);
				}
			}
		}
		return stored;
	}

	private void advanceHead(Connection connection, long newLast) throws SQLException {
		try (PreparedStatement head = connection
			.prepareStatement("UPDATE " + this.prefix.head() + " SET last_position = ? WHERE id = 1")) {
			head.setLong(1, newLast);
			head.executeUpdate();
		}
		try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
			notify.setString(1, this.prefix.events());
			notify.setString(2, Long.toString(newLast));
			notify.execute();
		}
	}

	private long queryVersion(Connection connection, String streamId) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement(
				"SELECT version FROM " + this.prefix.events() + " WHERE stream_id = ? ORDER BY version DESC LIMIT 1")) {
			query.setString(1, streamId);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next() ? rs.getLong(1) : 0;
			}
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

	@Override
	public List<StoredEvent> readStream(String streamId, long fromVersion, int maxCount) {
		return query(this.selectColumns + " WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?", (ps) -> {
			ps.setString(1, streamId);
			ps.setLong(2, fromVersion);
			ps.setInt(3, maxCount);
		});
	}

	@Override
	public List<StoredEvent> readAll(long fromPosition, int maxCount) {
		return query(this.selectColumns + " WHERE position >= ? ORDER BY position LIMIT ?", (ps) -> {
			ps.setLong(1, fromPosition);
			ps.setInt(2, maxCount);
		});
	}

	@Override
	public long streamVersion(String streamId) {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection()) {
			return queryVersion(connection, streamId);
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	@Override
	public long lastPosition() {
		ensureOpen();
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT last_position FROM " + this.prefix.head() + " WHERE id = 1")) {
			return rs.next() ? rs.getLong(1) : 0;
		}
		catch (SQLException ex) {
			throw readFailure(ex);
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
					events.add(toEvent(rs));
				}
				return events;
			}
		}
		catch (SQLException ex) {
			throw readFailure(ex);
		}
	}

	private StoredEvent toEvent(ResultSet rs) throws SQLException {
		long position = rs.getLong(1);
		UUID id = rs.getObject(8, UUID.class);
		return StoredEvent.fromJson(position, rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(9),
				rs.getString(5).getBytes(StandardCharsets.UTF_8), parseObject(rs.getString(6)),
				rs.getObject(7, OffsetDateTime.class).toInstant(), id);
	}

	private Map<String, Object> parseObject(@Nullable String json) {
		try {
			return JournalJson.read(json, "Metadata in table " + this.prefix.events());
		}
		catch (IllegalArgumentException ex) {
			throw new EventStoreException("Table " + this.prefix.events()
					+ " holds metadata that is not a JSON object: " + ErrorText.abbreviate(String.valueOf(json)), ex);
		}
	}

	private EventStoreException readFailure(SQLException ex) {
		return new EventStoreException("Cannot read " + this.location + ": " + ex.getMessage(), ex);
	}

	@Override
	public boolean isShared() {
		return true;
	}

	@Override
	public AutoCloseable watchCommits(Runnable onCommit) {
		CommitListener listener = new CommitListener(onCommit);
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
				PreparedStatement ps = connection.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
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

	@FunctionalInterface
	private interface Binder {

		void bind(PreparedStatement statement) throws SQLException;

	}

	/**
	 * Holds one connection that LISTENs for the journal's commit notifications, through
	 * the PostgreSQL driver's own API when the driver is on the class path (no
	 * reflection, so nothing to declare for a native image); with another driver it gives
	 * up and subscribers poll.
	 */
	private final class CommitListener implements Runnable {

		private final Runnable onCommit;

		private final Thread thread;

		private volatile boolean stopped;

		CommitListener(Runnable onCommit) {
			this.onCommit = onCommit;
			this.thread = new Thread(this, "eventstore-listen-" + PostgresJournal.this.prefix.events());
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5_000);
		}

		@Override
		public void run() {
			if (!PgNotifications.isAvailable()) {
				logger.log(Level.INFO, "No PostgreSQL JDBC driver API; subscribers poll for other instances' events");
				return;
			}
			while (!this.stopped) {
				try (Connection connection = PostgresJournal.this.dataSource.getConnection()) {
					try (Statement statement = connection.createStatement()) {
						statement.execute("LISTEN " + PostgresJournal.this.prefix.events());
					}
					while (!this.stopped) {
						if (PgNotifications.await(connection, 250)) {
							this.onCommit.run();
						}
					}
				}
				catch (Exception ex) {
					if (!this.stopped) {
						logger.log(Level.WARNING,
								"Lost the LISTEN connection of " + PostgresJournal.this.location + "; reconnecting",
								ex);
						sleepQuietly();
					}
				}
			}
		}

		private void sleepQuietly() {
			try {
				Thread.sleep(1_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stopped = true;
			}
		}

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
			try (Connection connection = this.dataSource.getConnection()) {
				url = connection.getMetaData().getURL();
				if (this.initializeSchema) {
					Schema.apply(connection, prefix);
				}
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT last_position FROM " + prefix.head() + " WHERE id = 1").close();
					statement.executeQuery("SELECT event_uuid, revision FROM " + prefix.events() + " LIMIT 0").close();
				}
			}
			catch (SQLException ex) {
				throw new EventStoreException("Cannot use PostgreSQL tables " + prefix.events() + "/" + prefix.head()
						+ ": " + ex.getMessage() + (this.initializeSchema ? ""
								: " (create them with initialize-schema or the scripts " + Schema.SCRIPTS + ")"),
						ex);
			}
			return new PostgresJournal(this.dataSource, this.appendConnections, prefix,
					"postgresql " + url + " table " + prefix.events());
		}

	}

}
