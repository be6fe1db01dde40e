package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.journal.support.ErrorText;

/**
 * Imports events copied from another journal (the CLI's {@code copy}) on their own
 * positions and versions, through the append function, apart from the hot write path in
 * {@link PostgresAppends}. Thread-safe.
 */
final class PostgresImport {

	private final DataSource dataSource;

	private final PostgresAppends appends;

	private final String location;

	private final Runnable ensureOpen;

	PostgresImport(DataSource dataSource, PostgresAppends appends, String location, Runnable ensureOpen) {
		this.dataSource = dataSource;
		this.appends = appends;
		this.location = location;
		this.ensureOpen = ensureOpen;
	}

	/**
	 * Writes events copied from another journal on their own positions and versions, in
	 * one transaction: consecutive events of one stream and one timestamp become one
	 * request, and every request goes to one call of the append function.
	 */
	void importEvents(List<StoredEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		this.ensureOpen.run();
		List<PostgresAppends.Request> requests = new ArrayList<>();
		List<StoredEvent> firsts = new ArrayList<>();
		for (int i = 0; i < events.size();) {
			StoredEvent first = events.get(i);
			List<NewEvent> batch = new ArrayList<>();
			int j = i;
			while (j < events.size() && continuesBatch(first, j - i, events.get(j))) {
				StoredEvent event = events.get(j);
				batch.add(NewEvent.ofJson(event.type(), event.dataJson(), event.metadata())
					.withTags(event.tags().toArray(new String[0]))
					.withId(event.id())
					.withRevision(event.revision()));
				j++;
			}
			requests
				.add(new PostgresAppends.Request(first.streamId(), batch, ExpectedVersion.exactly(first.version() - 1),
						null, first.timestamp().truncatedTo(ChronoUnit.MICROS), null));
			firsts.add(first);
			i = j;
		}
		boolean committing = false;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				if (requests.stream().anyMatch(PostgresAppends.Request::needsStatements)) {
					importByStatements(connection, requests, firsts, events);
				}
				else {
					importByFunction(connection, requests, firsts, events);
				}
				committing = true;
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				if (!committing) {
					PostgresAppends.rollbackQuietly(connection, ex);
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw new EventStoreException(
					"Could not import positions " + events.get(0).position() + " to "
							+ events.get(events.size() - 1).position() + " into " + this.location + ": "
							+ ErrorText.abbreviate(String.valueOf(ex.getMessage()))
							+ (committing
									? "; the commit's outcome is unknown: read the journal's last position to see "
											+ "whether they are there (a resumed copy does)"
									: "; nothing was imported"),
					ex);
		}
	}

	private void importByFunction(Connection connection, List<PostgresAppends.Request> requests,
			List<StoredEvent> firsts, List<StoredEvent> events) throws SQLException {
		List<AppendFunctions.Outcome> outcomes = this.appends.functions().call(connection, requests);
		if (outcomes == null) {
			throw idsStored(events);
		}
		for (AppendFunctions.Outcome outcome : outcomes) {
			StoredEvent first = firsts.get(outcome.request() - 1);
			if (outcome.firstPosition() == null) {
				throw refused(first, "the stream is at version " + outcome.versionBefore());
			}
			if (outcome.firstPosition() != first.position()) {
				throw refused(first, "it would be stored at position " + outcome.firstPosition());
			}
		}
	}

	/**
	 * A page holding tagged events: the append function of V6 writes no tags, so the page
	 * is written as a tagged append is, by statements under the head lock, with the same
	 * checks the function makes.
	 */
	private void importByStatements(Connection connection, List<PostgresAppends.Request> requests,
			List<StoredEvent> firsts, List<StoredEvent> events) throws SQLException {
		PostgresStatements statements = this.appends.statements();
		long next = statements.lockHead(connection) + 1;
		if (!statements.storedWithIds(connection, requests).isEmpty()) {
			throw idsStored(events);
		}
		Map<String, Long> versions = new HashMap<>();
		for (int i = 0; i < requests.size(); i++) {
			PostgresAppends.Request request = requests.get(i);
			StoredEvent first = firsts.get(i);
			Long known = versions.get(first.streamId());
			long version = (known != null) ? known
					: PostgresRows.streamVersion(connection, this.appends.sql(), first.streamId());
			if (version != first.version() - 1) {
				throw refused(first, "the stream is at version " + version);
			}
			if (first.position() != next) {
				throw refused(first, "it would be stored at position " + next);
			}
			request.prepare(first.position(), first.version(), null);
			versions.put(first.streamId(), version + request.events.size());
			next += request.events.size();
		}
		statements.insertRows(connection, requests);
		statements.advanceHead(connection, next - 1);
	}

	private EventStoreException idsStored(List<StoredEvent> events) {
		return new EventStoreException("Cannot import positions " + events.get(0).position() + " to "
				+ events.get(events.size() - 1).position() + " into " + this.location
				+ ": some of their ids are stored already; import into a journal without them");
	}

	private EventStoreException refused(StoredEvent first, String why) {
		return new EventStoreException("Cannot import the event at position " + first.position() + " (stream "
				+ ErrorText.quote(first.streamId()) + ", version " + first.version() + ") into " + this.location + ": "
				+ why + "; the journal must end just before the imported events; nothing was imported");
	}

	/** Whether an event goes in the same append as the batch it would be the n-th of. */
	private static boolean continuesBatch(StoredEvent first, int n, StoredEvent event) {
		return n == 0 || (event.streamId().equals(first.streamId()) && event.timestamp().equals(first.timestamp())
				&& event.position() == first.position() + n && event.version() == first.version() + n);
	}

}
