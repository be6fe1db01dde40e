package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.eventstore.processor.ProcessorOwnership;
import org.jspecify.annotations.Nullable;

/**
 * Ownership of processors (and of their segments) among instances sharing one PostgreSQL
 * database, through session-level advisory locks held on one connection of this
 * instance's own: the owner holds {@code pg_try_advisory_lock} for as long as it runs the
 * processor. When the owner's process dies, even by SIGKILL, its connection closes and
 * PostgreSQL releases its locks at once; another instance takes the processor over at its
 * next try (every {@code ownershipCheck}, 2 seconds by default). The heartbeat runs a
 * query on that connection: if the connection is lost, so are the locks, and the owner
 * stops. A stale owner cannot move the checkpoint either: {@link PostgresCheckpointStore}
 * saves by compare-and-set.
 *
 * <p>
 * An instance running a processor also holds a lock of its own among the processor's
 * members; the members' locks, counted in {@code pg_locks}, tell how many instances are
 * live, so that each runs an equal share of the segments. The connection's
 * {@code application_name} is {@code eventstore <instance>}, which is how the owner of a
 * segment held elsewhere is shown.
 *
 * <p>
 * The connection is taken from the pool on the first try and kept; size the pool for it
 * (one connection, however many processors and segments). Thread-safe.
 *
 * @since 0.2.0
 */
public final class PostgresProcessorOwnership implements ProcessorOwnership {

	private static final System.Logger logger = System.getLogger(PostgresProcessorOwnership.class.getName());

	private static final AtomicInteger INSTANCES_IN_THIS_PROCESS = new AtomicInteger();

	/** An advisory lock's key as {@code pg_locks} shows it: unsigned, as an oid. */
	private static final String KEY = "(hashtext(?)::bigint & 4294967295)::oid";

	private final DataSource dataSource;

	private final String scope;

	private final String instance;

	private final Object lock = new Object();

	/** The locks held (processors, segments and memberships), on {@link #session}. */
	private final Set<String> held = new HashSet<>();

	private @Nullable Connection session;

	/**
	 * @param dataSource the shared database
	 * @param tablePrefix the journal's table prefix; processors of journals with other
	 * prefixes do not exclude each other
	 */
	public PostgresProcessorOwnership(DataSource dataSource, String tablePrefix) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.scope = new TablePrefix(tablePrefix).value() + "processors";
		int number = INSTANCES_IN_THIS_PROCESS.incrementAndGet();
		// <host>:<pid>, and a number for a second ownership in one process (tests).
		this.instance = ProcessorOwnership.local().instance() + ((number == 1) ? "" : "/" + number);
	}

	@Override
	public String instance() {
		return this.instance;
	}

	@Override
	public boolean tryAcquire(String processor) {
		synchronized (this.lock) {
			if (this.held.contains(processor)) {
				return isHeld(processor);
			}
			return tryLock(this.scope, processor, processor);
		}
	}

	private boolean tryLock(String group, String name, String heldAs) {
		try {
			try (PreparedStatement lock = session()
				.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), hashtext(?))")) {
				lock.setString(1, group);
				lock.setString(2, name);
				try (ResultSet result = lock.executeQuery()) {
					if (result.next() && result.getBoolean(1)) {
						this.held.add(heldAs);
						return true;
					}
				}
			}
			return false;
		}
		catch (SQLException ex) {
			lost(ex);
			logger.log(Level.DEBUG, "Cannot try the ownership of '" + name + "'", ex);
			return false;
		}
	}

	@Override
	public boolean isHeld(String processor) {
		synchronized (this.lock) {
			if (!this.held.contains(processor) || this.session == null) {
				return false;
			}
			try (Statement statement = this.session.createStatement()) {
				statement.setQueryTimeout(10);
				statement.execute("SELECT 1");
				return true;
			}
			catch (SQLException ex) {
				logger.log(Level.WARNING, "Lost the connection holding the ownership of processor '" + processor + "'",
						ex);
				lost(ex);
				return false;
			}
		}
	}

	@Override
	public void release(String processor) {
		synchronized (this.lock) {
			unlock(this.scope, processor, processor);
		}
	}

	private void unlock(String group, String name, String heldAs) {
		if (!this.held.remove(heldAs) || this.session == null) {
			return;
		}
		try (PreparedStatement unlock = this.session
			.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), hashtext(?))")) {
			unlock.setString(1, group);
			unlock.setString(2, name);
			unlock.execute();
		}
		catch (SQLException ex) {
			lost(ex);
		}
		closeIfIdle();
	}

	@Override
	public void join(String processor) {
		synchronized (this.lock) {
			if (!this.held.contains(memberKey(processor))) {
				tryLock(members(processor), this.instance, memberKey(processor));
			}
		}
	}

	@Override
	public void leave(String processor) {
		synchronized (this.lock) {
			unlock(members(processor), this.instance, memberKey(processor));
		}
	}

	@Override
	public int instances(String processor) {
		synchronized (this.lock) {
			// A membership lost with a connection is taken again here.
			join(processor);
			try (PreparedStatement count = session().prepareStatement("SELECT count(*) FROM pg_locks "
					+ "WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = " + KEY)) {
				count.setString(1, members(processor));
				try (ResultSet result = count.executeQuery()) {
					result.next();
					return Math.max(1, result.getInt(1));
				}
			}
			catch (SQLException ex) {
				lost(ex);
				return 1;
			}
		}
	}

	@Override
	public @Nullable String ownerOf(String name) {
		synchronized (this.lock) {
			try (PreparedStatement owner = session()
				.prepareStatement("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
						+ "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = " + KEY
						+ " AND l.objid = " + KEY)) {
				owner.setString(1, this.scope);
				owner.setString(2, name);
				try (ResultSet result = owner.executeQuery()) {
					if (!result.next()) {
						return null;
					}
					String application = result.getString(1);
					return (application != null && application.startsWith("eventstore "))
							? application.substring("eventstore ".length()) : null;
				}
			}
			catch (SQLException ex) {
				lost(ex);
				return null;
			}
		}
	}

	private String members(String processor) {
		return this.scope + ":members:" + processor;
	}

	private static String memberKey(String processor) {
		// Not a processor name (those have no '/'), so it cannot clash with one.
		return "members/" + processor;
	}

	private Connection session() throws SQLException {
		Connection session = this.session;
		if (session == null) {
			session = this.dataSource.getConnection();
			try {
				session.setAutoCommit(true);
				try (PreparedStatement name = session
					.prepareStatement("SELECT set_config('application_name', ?, false)")) {
					name.setString(1, "eventstore " + this.instance);
					name.execute();
				}
			}
			catch (SQLException ex) {
				closeQuietly(session);
				throw ex;
			}
			this.session = session;
		}
		return session;
	}

	/** The session is gone, and every lock with it. */
	private void lost(SQLException cause) {
		if (!this.held.isEmpty()) {
			logger.log(Level.DEBUG, "The ownership connection failed; its locks " + this.held + " are gone", cause);
		}
		this.held.clear();
		closeQuietly(this.session);
		this.session = null;
	}

	/** Gives the connection back to the pool once it holds nothing. */
	private void closeIfIdle() {
		if (this.held.isEmpty()) {
			closeQuietly(this.session);
			this.session = null;
		}
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// Nothing more to do.
			}
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL advisory locks (" + this.scope + ")";
	}

}
