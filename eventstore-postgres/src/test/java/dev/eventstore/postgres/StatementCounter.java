package dev.eventstore.postgres;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * A data source that records what its connections send: each executed statement (by a
 * short label: {@code append}, {@code append_one} or their {@code _checked} kin for the
 * append functions, else its first words) and each explicit commit. A JDK proxy, because
 * no JDBC spy library is on the test class path and this needs only three interfaces.
 */
final class StatementCounter {

	private final DataSource target;

	private final List<String> executed = new CopyOnWriteArrayList<>();

	private final AtomicInteger commits = new AtomicInteger();

	StatementCounter(DataSource target) {
		this.target = target;
	}

	DataSource dataSource() {
		return proxy(DataSource.class, this.target, (method, args, result) -> {
			if (result instanceof Connection connection) {
				return connection(connection);
			}
			return result;
		});
	}

	void reset() {
		this.executed.clear();
		this.commits.set(0);
	}

	List<String> executed() {
		return List.copyOf(this.executed);
	}

	int commits() {
		return this.commits.get();
	}

	private Connection connection(Connection connection) {
		return proxy(Connection.class, connection, (method, args, result) -> {
			switch (method) {
				case "commit" -> this.commits.incrementAndGet();
				case "prepareStatement" -> {
					return statement(PreparedStatement.class, (PreparedStatement) result, (String) args[0]);
				}
				case "createStatement" -> {
					return statement(Statement.class, (Statement) result, null);
				}
				default -> {
				}
			}
			return result;
		});
	}

	private <S extends Statement> S statement(Class<S> type, S statement, String preparedSql) {
		return proxy(type, statement, (method, args, result) -> {
			if (method.startsWith("execute")) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : preparedSql;
				this.executed.add(label(sql));
			}
			return result;
		});
	}

	private static String label(String sql) {
		String text = sql.strip().replaceAll("\\s+", " ");
		if (text.contains("append_one_checked(")) {
			return "append_one_checked";
		}
		if (text.contains("append_checked(")) {
			return "append_checked";
		}
		if (text.contains("append(")) {
			return "append";
		}
		if (text.contains("append_one(")) {
			return "append_one";
		}
		String[] words = text.toLowerCase(Locale.ROOT).split(" ");
		return (words.length > 1) ? words[0] + " " + words[1] : words[0];
	}

	/** What to do after a call went through to the real object. */
	private interface AfterCall {

		Object after(String method, Object[] args, Object result);

	}

	private static <T> T proxy(Class<T> type, T target, AfterCall after) {
		InvocationHandler handler = (proxy, method, args) -> {
			if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
				return method.invoke(target, args);
			}
			Object result;
			try {
				result = method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			return after.after(method.getName(), args, result);
		};
		return type
			.cast(Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] { type }, handler));
	}

}
