package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import dev.eventstore.personal.SubjectKeyStore;
import org.jspecify.annotations.Nullable;

/**
 * Data subjects' wrapped keys in the {@code <prefix>subject_keys} table of the journal's
 * schema (script {@code V8__subject_keys.sql}), shared by every instance of the
 * application: a key made by one is used by all, an erasure by one holds for all. Each
 * change is its own committed statement (autocommit), so it is durable when the call
 * returns, and atomic: a key is there whole or not at all, and an erasure deletes the key
 * and writes its note (a row of its own until the erasure is announced) together.
 * Thread-safe.
 *
 * @since 0.2.0
 */
public final class PostgresSubjectKeyStore implements SubjectKeyStore {

	/**
	 * How an erasure's note is named: this and the subject's reference (64 hex digits,
	 * never this), in a row of the same table with an empty key.
	 */
	private static final String ERASED = "erased:";

	/** A note's fingerprint: the SHA-256 of the key it destroyed. */
	private static final int FINGERPRINT_BYTES = 32;

	/** Which rows are notes: the predicate of the table's partial index of them. */
	private static final String NOTE = "starts_with(subject, '" + ERASED + "')";

	/** Up to how many rows {@link #size()} counts rather than estimates. */
	private static final int COUNTED = 10_000;

	private final DataSource dataSource;

	private final String keys;

	private final String check;

	private PostgresSubjectKeyStore(DataSource dataSource, String tablePrefix) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		String prefix = new TablePrefix(tablePrefix).value();
		this.keys = prefix + "subject_keys";
		this.check = prefix + "subject_key_check";
	}

	/**
	 * A key store in the journal's schema.
	 * @param dataSource the journal's database
	 * @param tablePrefix the journal's table prefix
	 * @return the store
	 */
	public static PostgresSubjectKeyStore of(DataSource dataSource, String tablePrefix) {
		return new PostgresSubjectKeyStore(dataSource, tablePrefix);
	}

	/**
	 * Whether the journal over this pool with this prefix sees these keys in its own
	 * transactions, and can check them at append.
	 */
	boolean isBeside(DataSource journalDataSource, TablePrefix journalPrefix) {
		return this.dataSource == journalDataSource && this.keys.equals(journalPrefix.value() + "subject_keys");
	}

	@Override
	public byte @Nullable [] find(String subject) {
		return queryBytes("SELECT wrapped_key FROM " + this.keys + " WHERE subject = ?", subject, "read a key");
	}

	@Override
	public byte[] putIfAbsent(String subject, byte[] wrappedKey) {
		try (Connection connection = autocommit(this.dataSource.getConnection());
				PreparedStatement insert = connection.prepareStatement("INSERT INTO " + this.keys
						+ " (subject, wrapped_key) VALUES (?, ?) ON CONFLICT (subject) DO NOTHING")) {
			insert.setString(1, subject);
			insert.setBytes(2, wrappedKey);
			if (insert.executeUpdate() == 1) {
				return wrappedKey;
			}
		}
		catch (SQLException ex) {
			throw failure("write a key", ex);
		}
		// Another instance made the subject's key first: use that one.
		byte[] kept = find(subject);
		if (kept == null) {
			throw new EventStoreException(
					"The key of a data subject in " + this.keys + " was erased while it was made; append again");
		}
		return kept;
	}

	@Override
	public boolean delete(String subject) {
		try (Connection connection = autocommit(this.dataSource.getConnection());
				PreparedStatement delete = connection
					.prepareStatement("DELETE FROM " + this.keys + " WHERE subject = ?")) {
			delete.setString(1, subject);
			return delete.executeUpdate() == 1;
		}
		catch (SQLException ex) {
			throw failure("destroy a key", ex);
		}
	}

	/**
	 * Deletes the key and writes the erasure's note (a row named {@value #ERASED} and the
	 * reference, holding the SHA-256 of the key it destroyed in place of a key) in one
	 * statement: both or neither. A note left by an earlier erasure of the subject (not
	 * yet announced) takes this one's fingerprint: one announcement covers both.
	 */
	@Override
	public boolean erase(String subject) {
		try (Connection connection = autocommit(this.dataSource.getConnection());
				PreparedStatement erase = connection.prepareStatement("WITH gone AS (DELETE FROM " + this.keys
						+ " WHERE subject = ? RETURNING subject, wrapped_key), noted AS (INSERT INTO " + this.keys
						+ " (subject, wrapped_key) SELECT ? || subject, sha256(wrapped_key) FROM gone"
						+ " ON CONFLICT (subject) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key)"
						+ " SELECT count(*) FROM gone")) {
			erase.setString(1, subject);
			erase.setString(2, ERASED);
			try (ResultSet row = erase.executeQuery()) {
				row.next();
				return row.getLong(1) == 1;
			}
		}
		catch (SQLException ex) {
			throw failure("destroy a key", ex);
		}
	}

	@Override
	public void erasureAnnounced(String subject) {
		try (Connection connection = autocommit(this.dataSource.getConnection());
				PreparedStatement delete = connection
					.prepareStatement("DELETE FROM " + this.keys + " WHERE subject = ?")) {
			delete.setString(1, ERASED + subject);
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			throw failure("drop the note of an announced erasure", ex);
		}
	}

	/**
	 * The note's fingerprint; null for a note written before notes kept one (empty).
	 */
	@Override
	public byte @Nullable [] erasureFingerprint(String subject) {
		byte[] fingerprint = queryBytes("SELECT wrapped_key FROM " + this.keys + " WHERE subject = ?", ERASED + subject,
				"read the note of an erasure");
		return (fingerprint != null && fingerprint.length == FINGERPRINT_BYTES) ? fingerprint : null;
	}

	/**
	 * Read at open, through the table's partial index of notes (script
	 * {@code V8__subject_keys.sql}): it costs the same however many keys the table holds.
	 * The prefix is written into the statement, not bound, so that every plan can use the
	 * index.
	 */
	@Override
	public List<String> pendingErasures() {
		List<String> pending = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection
					.prepareStatement("SELECT subject FROM " + this.keys + " WHERE " + NOTE)) {
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					pending.add(rows.getString(1).substring(ERASED.length()));
				}
			}
		}
		catch (SQLException ex) {
			throw failure("read the erasures not yet announced", ex);
		}
		return pending;
	}

	@Override
	public byte @Nullable [] checkValue() {
		return queryBytes("SELECT value FROM " + this.check + " WHERE id = ?", 1, "read the master key's check value");
	}

	@Override
	public void saveCheckValue(byte[] value) {
		try (Connection connection = autocommit(this.dataSource.getConnection());
				PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO " + this.check + " (id, value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
			insert.setBytes(1, value);
			insert.executeUpdate();
		}
		catch (SQLException ex) {
			throw failure("write the master key's check value", ex);
		}
	}

	/**
	 * Counted while the table holds at most {@value #COUNTED} rows; above that,
	 * PostgreSQL's estimate from the table's statistics (kept by autovacuum's
	 * {@code ANALYZE}), so that the store's status, which health checks and metrics ask
	 * for every few seconds, does not scan millions of keys. The erasures' notes are
	 * counted through their index.
	 */
	@Override
	public long size() {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement count = connection.prepareStatement("SELECT CASE WHEN c.reltuples > " + COUNTED
						+ " THEN c.reltuples::BIGINT ELSE (SELECT count(*) FROM " + this.keys
						+ ") END - (SELECT count(*) FROM " + this.keys + " WHERE " + NOTE
						+ ") FROM pg_class c WHERE c.oid = to_regclass(?)")) {
			count.setString(1, this.keys);
			try (ResultSet row = count.executeQuery()) {
				return row.next() ? Math.max(0, row.getLong(1)) : 0;
			}
		}
		catch (SQLException ex) {
			throw failure("count the keys", ex);
		}
	}

	/** Every instance of the application uses these keys. */
	@Override
	public boolean shared() {
		return true;
	}

	@Override
	public String location() {
		return "PostgreSQL table " + this.keys;
	}

	/**
	 * Reads the table in pages of a cursor: a copy of millions of keys holds a page at a
	 * time.
	 */
	@Override
	public void forEachKey(BiConsumer<String, byte[]> action) {
		try (Connection connection = this.dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try (PreparedStatement select = connection
				.prepareStatement("SELECT subject, wrapped_key FROM " + this.keys + " WHERE NOT " + NOTE)) {
				select.setFetchSize(1_000);
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						action.accept(rows.getString(1), rows.getBytes(2));
					}
				}
			}
			finally {
				connection.rollback();
				connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw failure("list the keys", ex);
		}
	}

	private byte @Nullable [] queryBytes(String sql, Object key, String what) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(sql)) {
			select.setObject(1, key);
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? row.getBytes(1) : null;
			}
		}
		catch (SQLException ex) {
			throw failure(what, ex);
		}
	}

	/** Each change commits on its own, whatever the pool's default. */
	private static Connection autocommit(Connection connection) throws SQLException {
		if (!connection.getAutoCommit()) {
			connection.setAutoCommit(true);
		}
		return connection;
	}

	private EventStoreException failure(String what, SQLException ex) {
		String hint = "42P01".equals(ex.getSQLState())
				? "; the table is missing: apply V8__subject_keys.sql (or enable initialize-schema)" : "";
		return new EventStoreException("Cannot " + what + " in " + this.keys + ": " + ex.getMessage() + hint, ex);
	}

	@Override
	public String toString() {
		return "PostgresSubjectKeyStore[" + this.keys + "]";
	}

}
