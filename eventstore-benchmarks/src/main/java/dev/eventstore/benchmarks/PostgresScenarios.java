package dev.eventstore.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.personal.PersonalFields;
import dev.eventstore.postgres.PostgresCheckpointStore;
import dev.eventstore.postgres.PostgresJournal;
import dev.eventstore.postgres.PostgresProcessorOwnership;
import dev.eventstore.postgres.PostgresSubjectKeyStore;
import dev.eventstore.processor.Processor;
import dev.eventstore.serialization.JacksonEventSerializer;
import dev.eventstore.types.EventTypes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.json.JsonMapper;

/** The PostgreSQL journal beside plain INSERTs of the same rows through the same pool. */
final class PostgresScenarios implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final EmbeddedPostgres server;

	private final HikariDataSource pool;

	private final AtomicLong axonSequence = new AtomicLong();

	PostgresScenarios() throws Exception {
		// The embedded server's defaults skip fsync; measure durable commits, like the
		// file journal's ALWAYS.
		this.server = EmbeddedPostgres.builder()
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.start();
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(this.server.getJdbcUrl("postgres", "postgres"));
		config.setUsername("postgres");
		config.setMaximumPoolSize(24);
		this.pool = new HikariDataSource(config);
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			// Axon Framework's JDBC event storage engine's table, as its schema factory
			// makes it for PostgreSQL: the "BEGIN; INSERT; COMMIT" baseline writes it.
			statement.execute("CREATE TABLE domain_event_entry (global_index BIGSERIAL PRIMARY KEY, "
					+ "event_identifier VARCHAR(255) NOT NULL UNIQUE, aggregate_identifier VARCHAR(255) NOT NULL, "
					+ "sequence_number BIGINT NOT NULL, type VARCHAR(255), time_stamp VARCHAR(255) NOT NULL, "
					+ "payload_type VARCHAR(255) NOT NULL, payload_revision VARCHAR(255), payload BYTEA NOT NULL, "
					+ "meta_data BYTEA, UNIQUE (aggregate_identifier, sequence_number))");
			statement.execute("CREATE TABLE raw_events (position BIGSERIAL PRIMARY KEY, stream_id TEXT NOT NULL, "
					+ "version BIGINT NOT NULL, event_type TEXT NOT NULL, data JSON NOT NULL, metadata JSON, "
					+ "created_at TIMESTAMPTZ NOT NULL)");
			// The same rows with the journal's indexes (V1, V2, V7): what an INSERT into
			// a table indexed like the journal's costs, for a fair reading of the ratio.
			statement.execute("CREATE TABLE indexed_events (position BIGSERIAL PRIMARY KEY, stream_id TEXT NOT NULL, "
					+ "version BIGINT NOT NULL, event_type TEXT NOT NULL, data JSON NOT NULL, metadata JSON, "
					+ "created_at TIMESTAMPTZ NOT NULL, event_uuid UUID, tags TEXT[], "
					+ "UNIQUE (stream_id, version))");
			statement.execute("CREATE UNIQUE INDEX indexed_events_uuid ON indexed_events (event_uuid)");
			statement.execute("CREATE INDEX indexed_events_tags ON indexed_events USING GIN (tags)");
			statement.execute("CREATE INDEX indexed_events_type ON indexed_events (event_type, position)");
		}
	}

	/**
	 * The server's durability settings, read back:
	 * {@code fsync=on, synchronous_commit=on}.
	 */
	String durability() throws Exception {
		StringBuilder settings = new StringBuilder();
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			for (String name : new String[] { "fsync", "synchronous_commit", "wal_sync_method" }) {
				try (ResultSet rs = statement.executeQuery("SHOW " + name)) {
					rs.next();
					settings.append(settings.isEmpty() ? "" : ", ").append(name).append('=').append(rs.getString(1));
				}
			}
		}
		return settings.toString();
	}

	Measurement.Result store(int threads, Settings settings) throws Exception {
		PostgresJournal journal = PostgresJournal.builder(this.pool)
			.tablePrefix("bench" + threads + "_")
			.initializeSchema(true)
			.build();
		try (EventStore store = EventStore.builder().journal(journal).build()) {
			return StoreScenarios.append(store, threads, settings, true);
		}
	}

	/**
	 * A tagged append with and without a condition (#28), in turns, on a table that holds
	 * {@code prefill} tagged events first.
	 * @return the unconditional result, then the conditional one
	 */
	Measurement.Result[] boundary(int threads, int prefill, Settings settings) throws Exception {
		PostgresJournal journal = PostgresJournal.builder(this.pool).tablePrefix("dcb_").initializeSchema(true).build();
		try (EventStore store = EventStore.builder().journal(journal).build()) {
			if (store.lastPosition() < prefill) {
				List<NewEvent> batch = new ArrayList<>(1_000);
				for (int i = 0; i < prefill; i++) {
					batch.add(Workload.event(i).withTags("order:" + (i % 50_000), "customer:" + (i % 50)));
					if (batch.size() == 1_000) {
						store.appendBatch("prefill-" + (i / 1_000), batch);
						batch = new ArrayList<>(1_000);
					}
				}
			}
			Measurement.Result plain = BoundaryScenarios.append(store, threads, false, settings);
			Measurement.Result conditional = BoundaryScenarios.append(store, threads, true, settings);
			return new Measurement.Result[] { plain, conditional };
		}
	}

	/**
	 * Events a second through a processor with the slow handler (2 ms an event) on a
	 * PostgreSQL journal of its own holding {@code events}: with so many segments, on so
	 * many instances (each its own pool, store and ownership), from their start to the
	 * last event handled. Checkpoints in the journal's schema; instances check their
	 * share every 200 ms, so the balance settles early in the run (and is in its time).
	 */
	double segmentThroughput(String prefix, int segments, int instances, int events) throws Exception {
		List<AutoCloseable> open = new ArrayList<>();
		try {
			try (EventStore appender = EventStore.builder()
				.journal(PostgresJournal.builder(this.pool).tablePrefix(prefix).initializeSchema(true).build())
				.build()) {
				ProcessorSegmentScenarios.append(appender, events);
			}
			AtomicLong handled = new AtomicLong();
			List<Processor> processors = new ArrayList<>();
			for (int i = 0; i < instances; i++) {
				HikariConfig config = new HikariConfig();
				config.setJdbcUrl(this.server.getJdbcUrl("postgres", "postgres"));
				config.setUsername("postgres");
				config.setMaximumPoolSize(segments + 4);
				HikariDataSource pool = new HikariDataSource(config);
				open.add(pool);
				EventStore store = EventStore.builder()
					.journal(PostgresJournal.builder(pool).tablePrefix(prefix).build())
					.build();
				open.add(store);
				processors.add(Processor.builder("slow", store, ProcessorSegmentScenarios.slowHandler(handled))
					.segments(segments)
					.checkpoints(PostgresCheckpointStore.of(pool, prefix))
					.ownership(new PostgresProcessorOwnership(pool, prefix))
					.ownershipCheck(Duration.ofMillis(200))
					.build());
			}
			long start = System.nanoTime();
			for (Processor processor : processors) {
				open.add(processor.start());
			}
			ProcessorSegmentScenarios.awaitHandled(handled, events);
			return events / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			for (int i = open.size() - 1; i >= 0; i--) {
				open.get(i).close();
			}
		}
	}

	/**
	 * Append on one instance (its own pool and store), handled by a processor of another:
	 * the second learns of the event through LISTEN/NOTIFY.
	 */
	Measurement.Result processorLatency(Settings settings) throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(this.server.getJdbcUrl("postgres", "postgres"));
		config.setUsername("postgres");
		config.setMaximumPoolSize(4);
		try (HikariDataSource otherPool = new HikariDataSource(config);
				EventStore appender = EventStore.builder()
					.journal(PostgresJournal.builder(this.pool).tablePrefix("latency_").initializeSchema(true).build())
					.build();
				EventStore processed = EventStore.builder()
					.journal(PostgresJournal.builder(otherPool).tablePrefix("latency_").build())
					.build()) {
			return ProcessorScenarios.liveLatency(appender, processed, settings);
		}
	}

	/**
	 * Axon's JDBC design: one event a transaction into {@code domain_event_entry}
	 * ({@code BEGIN; INSERT; COMMIT}, no lock; positions from a sequence, with gaps).
	 */
	Measurement.Result rawInserts(int threads, Settings settings) throws Exception {
		return Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(), true, (t, i) -> {
			try (Connection connection = this.pool.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO domain_event_entry "
							+ "(event_identifier, aggregate_identifier, sequence_number, type, time_stamp, payload_type, "
							+ "payload_revision, payload, meta_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
				connection.setAutoCommit(false);
				insert.setString(1, UUID.randomUUID().toString());
				// Unique across the warm-up and the measured run, which count from 0
				// each.
				insert.setString(2, "stream-" + t + "-" + (i % 1000));
				insert.setLong(3, this.axonSequence.incrementAndGet());
				insert.setString(4, "Order");
				insert.setString(5, OffsetDateTime.now(ZoneOffset.UTC).toString());
				insert.setString(6, "OrderPlaced");
				insert.setString(7, null);
				insert.setBytes(8, mapper.writeValueAsBytes(Workload.payload(i)));
				insert.setBytes(9, null);
				insert.addBatch();
				insert.executeBatch();
				connection.commit();
				connection.setAutoCommit(true);
			}
		});
	}

	/**
	 * The same rows as {@link #rawInserts}, each statement its own transaction in
	 * autocommit: one round trip an append (#32's baseline). With {@code rows} above 1,
	 * one multi-row {@code INSERT} of that many rows, also one round trip.
	 * @return rows a second
	 */
	Measurement.Result rawAutocommit(int threads, int rows, Settings settings) throws Exception {
		return autocommitInserts(false, threads, rows, settings);
	}

	/**
	 * The same into a table with the journal's indexes, and so with an id a row, one
	 * thread.
	 * @return rows a second
	 */
	Measurement.Result rawIndexedAutocommit(int rows, Settings settings) throws Exception {
		return autocommitInserts(true, 1, rows, settings);
	}

	private Measurement.Result autocommitInserts(boolean indexed, int threads, int rows, Settings settings)
			throws Exception {
		int columns = indexed ? 7 : 6;
		StringBuilder sql = new StringBuilder("INSERT INTO " + (indexed ? "indexed_events" : "raw_events")
				+ " (stream_id, version, event_type, data, metadata, created_at" + (indexed ? ", event_uuid" : "")
				+ ") VALUES ");
		for (int r = 0; r < rows; r++) {
			sql.append((r == 0) ? "" : ", ")
				.append(indexed ? "(?, ?, ?, ?::json, ?::json, ?, ?)" : "(?, ?, ?, ?::json, ?::json, ?)");
		}
		Measurement.Result statements = Measurement.run(threads, settings.warmupMillis(), settings.measureMillis(),
				true, (t, i) -> {
					try (Connection connection = this.pool.getConnection();
							PreparedStatement insert = connection.prepareStatement(sql.toString())) {
						OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
						for (int r = 0; r < rows; r++) {
							int at = columns * r;
							// Stream and version unique per call, as the indexed table's
							// constraint needs.
							insert.setString(at + 1, "stream-" + rows + "-" + t + "-" + (i % 1000));
							insert.setLong(at + 2, (i / 1000) * rows + r + 1);
							insert.setString(at + 3, "OrderPlaced");
							insert.setString(at + 4, mapper.writeValueAsString(Workload.payload(i * rows + r)));
							insert.setString(at + 5, null);
							insert.setObject(at + 6, now);
							if (indexed) {
								insert.setObject(at + 7, UUID.randomUUID());
							}
						}
						insert.executeUpdate();
					}
				});
		return new Measurement.Result(statements.opsPerSecond() * rows, statements.p50Micros(), statements.p99Micros());
	}

	/**
	 * Appends of an event with two personal fields and of the same event without them
	 * (#29), one thread, the subjects' keys in the journal's schema (its
	 * {@code subject_keys} table, which the append checks in its own statement) and made
	 * before the clock starts.
	 * @return without them, then with them
	 */
	Measurement.Result[] personal(Settings settings) throws Exception {
		EventTypes types = EventTypes.of(PersonalScenarios.PersonalCheckout.class,
				PersonalScenarios.PlainCheckout.class);
		// The journal first: it makes the schema the key store's tables are in.
		PostgresJournal personalJournal = PostgresJournal.builder(this.pool)
			.tablePrefix("personal_")
			.initializeSchema(true)
			.build();
		PersonalDataProtection protection = PersonalDataProtection.of(PersonalScenarios.MASTER_KEY,
				PostgresSubjectKeyStore.of(this.pool, "personal_"));
		try (EventStore plain = EventStore.builder()
			.journal(PostgresJournal.builder(this.pool).tablePrefix("plain_").initializeSchema(true).build())
			.eventTypes(types)
			.build();
				EventStore personal = EventStore.builder()
					.journal(personalJournal)
					.eventTypes(types)
					.personalData(protection)
					.build()) {
			PersonalFields fields = PersonalFields.of(PersonalScenarios.PersonalCheckout.class);
			for (int i = 0; i < PersonalScenarios.SUBJECTS; i++) {
				protection.encrypt(PersonalScenarios.event(i, true), fields, UUID.randomUUID(),
						JacksonEventSerializer.defaults());
			}
			Measurement.Result without = PersonalScenarios.append(plain, 1, false, settings);
			Measurement.Result with = PersonalScenarios.append(personal, 1, true, settings);
			return new Measurement.Result[] { without, with };
		}
	}

	/** Batches of {@code size} events on one thread, events a second. */
	Measurement.Result storeBatches(int size, Settings settings) throws Exception {
		PostgresJournal journal = PostgresJournal.builder(this.pool)
			.tablePrefix("batch" + size + "_")
			.initializeSchema(true)
			.build();
		try (EventStore store = EventStore.builder().journal(journal).build()) {
			return StoreScenarios.appendBatch(store, size, settings);
		}
	}

	@Override
	public void close() throws Exception {
		this.pool.close();
		this.server.close();
	}

}
