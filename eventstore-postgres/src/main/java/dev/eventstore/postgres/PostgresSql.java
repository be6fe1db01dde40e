package dev.eventstore.postgres;

/**
 * Every statement the PostgreSQL journal runs, named, for one table prefix. Table names
 * come from a validated {@link TablePrefix}, so the text needs no quoting; values are
 * always bound as parameters.
 */
final class PostgresSql {

	static final String COLUMNS = "position, stream_id, version, event_type, data, metadata, created_at, "
			+ "event_uuid, revision, tags";

	/** Locks the one head row: appends are serialised on it, so positions are gapless. */
	final String lockHead;

	final String lastPosition;

	final String advanceHead;

	/** Wakes other processes' subscribers: channel, payload. */
	final String notify = "SELECT pg_notify(?, ?)";

	final String insertEvent;

	/** Appends a group in one round trip (V6): see the script for its parameters. */
	final String callAppend;

	/** Appends one event in one round trip (V6). */
	final String callAppendOne;

	/** {@link #callAppend} if the subjects' keys are still held (V10). */
	final String callAppendChecked;

	/** {@link #callAppendOne} if the subjects' keys are still held (V10). */
	final String callAppendOneChecked;

	/** Which of the subjects' keys the key table no longer holds as given (V10). */
	final String changedKeys;

	final String selectByIds;

	final String selectStream;

	final String selectAll;

	final String streamVersion;

	/** The current version of each of several streams: (stream id, version) rows. */
	final String streamVersions;

	/**
	 * Stream ids from a prefix on, after a cursor, in code point order; the caller stops
	 * at the first that lacks the prefix ({@code LIKE} is avoided: ids may hold
	 * {@code %}).
	 */
	final String streamIds;

	/** Every stream has exactly one version 1. */
	final String streamCount;

	final String tableSize = "SELECT pg_total_relation_size(?::regclass)";

	PostgresSql(TablePrefix prefix) {
		String events = prefix.events();
		String head = prefix.head();
		this.lockHead = """
				SELECT last_position FROM %s WHERE id = 1 FOR UPDATE""".formatted(head);
		this.lastPosition = """
				SELECT last_position FROM %s WHERE id = 1""".formatted(head);
		this.advanceHead = """
				UPDATE %s SET last_position = ? WHERE id = 1""".formatted(head);
		this.insertEvent = """
				INSERT INTO %s (%s)
				VALUES (?, ?, ?, ?, ?::json, ?::json, ?, ?, ?, ?)""".formatted(events, COLUMNS);
		this.callAppend = """
				SELECT out_first_positions, out_versions
				FROM %sappend(?, ?, ?, ?::timestamptz[], ?, ?, ?, ?, ?)""".formatted(prefix.value());
		this.callAppendOne = """
				SELECT out_position, out_version, out_stored
				FROM %sappend_one(?, ?, ?, ?, ?, ?, ?, ?)""".formatted(prefix.value());
		this.callAppendChecked = """
				SELECT out_first_positions, out_versions, out_changed
				FROM %sappend_checked(?, ?, ?, ?::timestamptz[], ?, ?, ?, ?, ?, ?, ?)""".formatted(prefix.value());
		this.callAppendOneChecked = """
				SELECT out_position, out_version, out_stored, out_changed
				FROM %sappend_one_checked(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""".formatted(prefix.value());
		this.changedKeys = """
				SELECT %schanged_keys(?, ?)""".formatted(prefix.value());
		this.selectByIds = """
				SELECT %s FROM %s WHERE event_uuid = ANY(?)""".formatted(COLUMNS, events);
		this.selectStream = """
				SELECT %s FROM %s WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?""".formatted(COLUMNS,
				events);
		this.selectAll = """
				SELECT %s FROM %s WHERE position >= ? ORDER BY position LIMIT ?""".formatted(COLUMNS, events);
		this.streamIds = """
				SELECT stream_id FROM %s
				WHERE version = 1 AND stream_id COLLATE "C" >= ? AND stream_id COLLATE "C" > ?
				ORDER BY stream_id COLLATE "C" LIMIT ?""".formatted(events);
		this.streamCount = """
				SELECT count(*) FROM %s WHERE version = 1""".formatted(events);
		this.streamVersions = """
				SELECT stream_id, max(version) FROM %s WHERE stream_id = ANY(?) GROUP BY stream_id""".formatted(events);
		this.streamVersion = """
				SELECT version FROM %s WHERE stream_id = ? ORDER BY version DESC LIMIT 1""".formatted(events);
	}

}
