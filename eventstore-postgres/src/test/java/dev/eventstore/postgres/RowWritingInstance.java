package dev.eventstore.postgres;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.EventStore;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorState;

/**
 * One application instance with a processor that inserts one row per event in the same
 * transaction as its checkpoint. Run as a child process by the kill tests (arguments:
 * JDBC URL, table prefix), or in the test's own JVM.
 */
final class RowWritingInstance implements AutoCloseable {

	static final String PROCESSOR = "rows";

	final HikariDataSource pool;

	final EventStore store;

	final Processor processor;

	RowWritingInstance(String jdbcUrl, String prefix, Duration ownershipCheck) throws Exception {
		this(jdbcUrl, prefix, ownershipCheck, 1, 0);
	}

	/**
	 * @param segments the processor's segments
	 * @param handlerMillis how long the handler sleeps for each event, in its transaction
	 */
	RowWritingInstance(String jdbcUrl, String prefix, Duration ownershipCheck, int segments, int handlerMillis)
			throws Exception {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(jdbcUrl);
		config.setUsername("postgres");
		config.setMaximumPoolSize(6);
		this.pool = new HikariDataSource(config);
		this.store = EventStore.builder()
			.journal(PostgresJournal.builder(this.pool).tablePrefix(prefix).initializeSchema(true).build())
			.build();
		try (Statement statement = this.pool.getConnection().createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + prefix + "rows (position BIGINT NOT NULL, "
					+ "stream_id TEXT, version BIGINT, seq BIGSERIAL)");
		}
		JdbcTransactions transactions = new JdbcTransactions(this.pool);
		String insert = "INSERT INTO " + prefix + "rows (position, stream_id, version) VALUES (?, ?, ?)";
		this.processor = Processor.builder(PROCESSOR, this.store, (event, delivery) -> {
			try (PreparedStatement row = transactions.current().prepareStatement(insert)) {
				row.setLong(1, event.position());
				row.setString(2, event.streamId());
				row.setLong(3, event.version());
				row.executeUpdate();
			}
			if (handlerMillis > 0) {
				Thread.sleep(handlerMillis);
			}
		})
			.segments(segments)
			.checkpoints(PostgresCheckpointStore.transactional(transactions, prefix))
			.transactions(transactions)
			.ownership(new PostgresProcessorOwnership(this.pool, prefix))
			.ownershipCheck(ownershipCheck)
			.build();
	}

	boolean owns() {
		ProcessorState state = this.processor.status().state();
		return state != ProcessorState.NOT_OWNER && state != ProcessorState.STOPPED;
	}

	@Override
	public void close() {
		this.processor.close();
		this.store.close();
		this.pool.close();
	}

	/**
	 * Starts, says "owner" once it owns the processor (or a segment), then works until
	 * killed. Arguments: JDBC URL, table prefix, and optionally the segments, the
	 * handler's milliseconds per event and the ownership check in milliseconds.
	 */
	public static void main(String[] args) throws Exception {
		RowWritingInstance instance = (args.length > 2)
				? new RowWritingInstance(args[0], args[1], Duration.ofMillis(Long.parseLong(args[4])),
						Integer.parseInt(args[2]), Integer.parseInt(args[3]))
				: new RowWritingInstance(args[0], args[1], Duration.ofMillis(200));
		instance.processor.start();
		while (!instance.owns()) {
			Thread.sleep(5);
		}
		System.out.println("owner");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
