package dev.eventstore.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

import tools.jackson.databind.json.JsonMapper;

/**
 * The peer a user would pick for an embedded event store: SQLite (sqlite-jdbc, the
 * version of the Spring Boot BOM) in the python-eventsourcing application recorder's
 * design: one {@code stored_events} table with an autoincrement notification id (the
 * log's position), the originator id and version (unique together: the optimistic
 * concurrency check), a topic and the state, the event's JSON; WAL, with
 * {@code synchronous=FULL} for durable rows. Writers share one connection under a lock,
 * as python-eventsourcing's recorder does (SQLite has one writer).
 */
final class SqlitePeer implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String INSERT = "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
			+ "VALUES (?, ?, ?, ?)";

	private final Connection connection;

	private final ReentrantLock writer = new ReentrantLock();

	private final PreparedStatement insert;

	private final long[][] versions = new long[256][1024];

	SqlitePeer(Path file) throws SQLException {
		this(file, true);
	}

	/**
	 * @param durable {@code synchronous=FULL} (a commit is on disk when it returns) or
	 * {@code NORMAL} (in WAL mode: a commit can be lost to a power failure, not to a
	 * crash of the process)
	 */
	SqlitePeer(Path file, boolean durable) throws SQLException {
		this.connection = open(file, durable);
		this.insert = this.connection.prepareStatement(INSERT);
	}

	private static Connection open(Path file) throws SQLException {
		return open(file, true);
	}

	private static Connection open(Path file, boolean durable) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("PRAGMA synchronous=" + (durable ? "FULL" : "NORMAL"));
			statement.execute("CREATE TABLE IF NOT EXISTS stored_events (notification_id INTEGER PRIMARY KEY "
					+ "AUTOINCREMENT, originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, "
					+ "topic TEXT NOT NULL, state BLOB NOT NULL)");
			statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS stored_events_index ON stored_events "
					+ "(originator_id, originator_version)");
		}
		return connection;
	}

	/**
	 * Durable single-event appends, each its own transaction, on {@code threads} threads.
	 */
	Measurement.Result append(int threads, Settings settings) throws Exception {
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
			String stream = Workload.stream(t, i);
			byte[] state = mapper.writeValueAsBytes(Workload.payload(i));
			this.writer.lock();
			try {
				long version = ++this.versions[t & 255][(int) (i & 1023)];
				bind(this.insert, stream, version, state);
				this.insert.executeUpdate();
			}
			finally {
				this.writer.unlock();
			}
		});
	}

	/** Durable batches of {@code size} events, each one transaction; events a second. */
	Measurement.Result appendBatches(int size, Settings settings) throws Exception {
		Measurement.Result batches = Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true,
				(t, i) -> {
					String stream = Workload.stream(0, i);
					this.writer.lock();
					try {
						this.connection.setAutoCommit(false);
						for (int k = 0; k < size; k++) {
							long version = ++this.versions[0][(int) (i & 1023)];
							bind(this.insert, stream, version,
									mapper.writeValueAsBytes(Workload.payload(i * size + k)));
							this.insert.addBatch();
						}
						this.insert.executeBatch();
						this.connection.commit();
						this.connection.setAutoCommit(true);
					}
					finally {
						this.writer.unlock();
					}
				});
		return new Measurement.Result(batches.opsPerSecond() * size, batches.p50Micros(), batches.p99Micros());
	}

	/** {@code events} events over streams of 100 ({@link StoreScenarios#peerStream}). */
	static void fill(Path file, int events) throws Exception {
		Files.deleteIfExists(file);
		try (Connection connection = open(file); PreparedStatement insert = connection.prepareStatement(INSERT)) {
			connection.setAutoCommit(false);
			for (int i = 0; i < events; i++) {
				bind(insert, StoreScenarios.peerStream(i), i % 100 + 1, mapper.writeValueAsBytes(Workload.payload(i)));
				insert.addBatch();
				if (i % 1_000 == 999) {
					insert.executeBatch();
					connection.commit();
				}
			}
			insert.executeBatch();
			connection.commit();
		}
	}

	/** Reads of a random stream's 100 events, each decoded into a map. */
	static Measurement.Result readStreams(Path file, int events, Settings settings) throws Exception {
		try (Connection connection = open(file);
				PreparedStatement select = connection.prepareStatement(
						"SELECT originator_version, topic, state FROM stored_events WHERE originator_id = ? "
								+ "ORDER BY originator_version")) {
			int streams = events / 100;
			return Measurement.run(1, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
				select.setString(1, StoreScenarios.peerStream(100L * ThreadLocalRandom.current().nextInt(streams)));
				int read = 0;
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						Map<?, ?> state = mapper.readValue(rows.getBytes(3), Map.class);
						if (state.isEmpty()) {
							throw new IllegalStateException("an empty state");
						}
						read++;
					}
				}
				if (read != 100) {
					throw new IllegalStateException("read " + read + " events of a stream");
				}
			});
		}
	}

	/** Every event in log order, each decoded into a map; events a second. */
	static double replay(Path file) throws Exception {
		try (Connection connection = open(file); Statement statement = connection.createStatement()) {
			long start = System.nanoTime();
			long count = 0;
			try (ResultSet rows = statement.executeQuery("SELECT notification_id, originator_id, originator_version, "
					+ "topic, state FROM stored_events ORDER BY notification_id")) {
				while (rows.next()) {
					rows.getLong(1);
					rows.getString(2);
					rows.getLong(3);
					rows.getString(4);
					mapper.readValue(rows.getBytes(5), Map.class);
					count++;
				}
			}
			return count / ((System.nanoTime() - start) / 1e9);
		}
	}

	/**
	 * Opens the database and makes one durable append: milliseconds, the close not
	 * counted.
	 */
	static double openAndAppend(Path file) throws Exception {
		long start = System.nanoTime();
		double millis;
		try (Connection connection = open(file); PreparedStatement insert = connection.prepareStatement(INSERT)) {
			bind(insert, "cold-" + System.nanoTime(), 1, mapper.writeValueAsBytes(Workload.payload(1)));
			insert.executeUpdate();
			millis = (System.nanoTime() - start) / 1e6;
		}
		return millis;
	}

	private static void bind(PreparedStatement insert, String stream, long version, byte[] state) throws SQLException {
		insert.setString(1, stream);
		insert.setLong(2, version);
		insert.setString(3, "OrderPlaced");
		insert.setBytes(4, state);
	}

	@Override
	public void close() throws SQLException {
		this.insert.close();
		this.connection.close();
	}

}
