package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The PostgreSQL JDBC driver's notification API, in a class of its own so that it is
 * loaded only when {@link #isAvailable()} says the driver is there.
 */
final class PgNotifications {

	private PgNotifications() {
	}

	/** Whether the PostgreSQL JDBC driver is on the class path. */
	static boolean isAvailable() {
		try {
			Class.forName("org.postgresql.PGConnection", false, PgNotifications.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Waits for notifications on a connection that LISTENs.
	 * @param connection the connection
	 * @param millis how long to wait at most
	 * @return whether any arrived
	 */
	static boolean await(Connection connection, int millis) throws SQLException {
		PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(millis);
		return notifications != null && notifications.length > 0;
	}

}
