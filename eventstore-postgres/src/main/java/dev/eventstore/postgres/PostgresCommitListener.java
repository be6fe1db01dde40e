package dev.eventstore.postgres;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Holds one connection that LISTENs for the journal's commit notifications, through the
 * PostgreSQL driver's own API when the driver is on the class path (no reflection, so
 * nothing to declare for a native image); with another driver it gives up and subscribers
 * poll.
 */
final class PostgresCommitListener implements Runnable {

	private static final System.Logger logger = System.getLogger(PostgresCommitListener.class.getName());

	private final DataSource dataSource;

	private final String channel;

	private final String location;

	private final Runnable onCommit;

	private final Thread thread;

	private volatile boolean stopped;

	PostgresCommitListener(DataSource dataSource, String channel, String location, Runnable onCommit) {
		this.dataSource = dataSource;
		this.channel = channel;
		this.location = location;
		this.onCommit = onCommit;
		this.thread = new Thread(this, "eventstore-listen-" + channel);
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
			try (Connection connection = this.dataSource.getConnection()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + this.channel);
				}
				while (!this.stopped) {
					if (PgNotifications.await(connection, 250)) {
						this.onCommit.run();
					}
				}
			}
			catch (Exception ex) {
				if (!this.stopped) {
					logger.log(Level.WARNING, "Lost the LISTEN connection of " + this.location + "; reconnecting", ex);
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
