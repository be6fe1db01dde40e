package dev.eventstore.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the versioned schema script, once, even when several instances start together.
 */
final class Schema {

	static final String SCRIPT = "V1__eventstore_journal.sql";

	/** The versioned scripts in the order they apply; each is safe to apply again. */
	static final List<String> SCRIPTS = List.of(SCRIPT, "V2__event_ids.sql", "V3__event_revisions.sql",
			"V4__processor_checkpoints.sql", "V5__snapshots.sql", "V6__append_function.sql", "V7__event_tags.sql",
			"V8__subject_keys.sql", "V9__parked_events.sql", "V10__checked_appends.sql");

	private Schema() {
	}

	/** Every script, in order, as one text. */
	static String script(TablePrefix prefix) {
		StringBuilder all = new StringBuilder();
		for (String name : SCRIPTS) {
			all.append(script(name, prefix)).append('\n');
		}
		return all.toString();
	}

	static String script(String name, TablePrefix prefix) {
		try (InputStream in = Schema.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Schema script " + name + " is missing from the jar");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix.value());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read schema script " + name, ex);
		}
	}

	static void apply(Connection connection, TablePrefix prefix) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try {
			try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
				lock.setString(1, prefix.events() + " schema");
				lock.execute();
			}
			try (Statement statement = connection.createStatement()) {
				for (String sql : statements(script(prefix))) {
					statement.execute(sql);
				}
			}
			connection.commit();
		}
		catch (SQLException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	/**
	 * The script's statements: each ends with a line ending in {@code ;}, except inside a
	 * {@code $$}-quoted function body.
	 */
	static List<String> statements(String script) {
		List<String> statements = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean inBody = false;
		for (String line : script.split("\n")) {
			String trimmed = line.strip();
			if (!inBody && (trimmed.startsWith("--") || trimmed.isEmpty())) {
				continue;
			}
			current.append(line).append('\n');
			if ((line.split("\\$\\$", -1).length - 1) % 2 == 1) {
				inBody = !inBody;
			}
			if (!inBody && trimmed.endsWith(";")) {
				statements.add(current.toString().strip());
				current.setLength(0);
			}
		}
		return statements;
	}

}
