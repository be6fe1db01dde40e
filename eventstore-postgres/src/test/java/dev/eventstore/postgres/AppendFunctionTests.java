package dev.eventstore.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The schema's {@code append} function (V6), called as the journal calls it: one group of
 * requests, checked in order, written in one statement.
 */
class AppendFunctionTests {

	private final HikariDataSource pool = EmbeddedPostgresServer.pool(2);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	private final PostgresSql sql = new PostgresSql(new TablePrefix(this.prefix));

	@BeforeEach
	void schema() {
		EmbeddedPostgresServer.journal(this.pool, this.prefix);
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void eachRequestIsCheckedAgainstTheVersionsTheGroupsEarlierRequestsLeave() throws Exception {
		Group group = new Group().request("a", -1, 2)
			.request("b", 5, 1) // b is empty: conflict
			.request("a", 2, 1) // after the first request: a is at 2
			.request("a", 2, 1) // a is at 3 now: conflict
			.request("c", 0, 0) // an empty batch on a new stream: matches, writes nothing
			.request("b", 0, 1);
		List<long[]> outcomes = call(group);
		assertThat(outcomes).containsExactly(new long[] { 1, 1, 0 }, new long[] { 2, -1, 0 }, new long[] { 3, 3, 2 },
				new long[] { 4, -1, 3 }, new long[] { 5, 4, 0 }, new long[] { 6, 4, 0 });
		assertThat(rows()).containsExactly("1 a 1", "2 a 2", "3 a 3", "4 b 1");
		assertThat(head()).isEqualTo(4);
	}

	@Test
	void aGroupWhoseIdsAreStoredAlreadyWritesNothingAndSaysSo() throws Exception {
		Group first = new Group().request("a", -1, 2);
		call(first);
		Group retry = new Group().request("b", -1, 1).request("a", -1, 0);
		retry.ids.set(0, first.ids.get(1));
		assertThat(call(retry)).containsExactly(new long[] { 0, -1, -1 });
		assertThat(rows()).containsExactly("1 a 1", "2 a 2");
		assertThat(head()).isEqualTo(2);
	}

	@Test
	void aGroupThatFailsLeavesNoGapAndNoRow() throws Exception {
		Group group = new Group().request("a", -1, 1).request("a", -1, 1);
		group.data.set(1, "{not json");
		assertThatExceptionOfType(java.sql.SQLException.class).isThrownBy(() -> call(group))
			.withMessageContaining("json");
		assertThat(rows()).isEmpty();
		assertThat(head()).isZero();
		assertThat(call(new Group().request("a", 0, 1))).containsExactly(new long[] { 1, 1, 0 });
	}

	@Test
	void appendOneChecksTheVersionAndLeavesNoGapWhenItRefuses() throws Exception {
		UUID first = UUID.randomUUID();
		assertThat(callOne("a", 0, first)).containsExactly(1, 0, 0);
		assertThat(callOne("a", 0, UUID.randomUUID())).as("a conflict").containsExactly(-1, 1, 0);
		assertThat(callOne("a", -1, first)).as("a stored id").containsExactly(-1, -1, 1);
		assertThat(callOne("b", -1, UUID.randomUUID())).containsExactly(2, 0, 0);
		assertThat(rows()).containsExactly("1 a 1", "2 b 1");
		assertThat(head()).isEqualTo(2);
	}

	/** {position or -1, version before or -1, 1 when the id is stored}. */
	private long[] callOne(String stream, long expected, UUID id) throws Exception {
		try (Connection connection = this.pool.getConnection();
				PreparedStatement call = connection.prepareStatement(this.sql.callAppendOne)) {
			call.setString(1, stream);
			call.setLong(2, expected);
			call.setObject(3, java.time.OffsetDateTime.parse("2026-11-26T00:00:00Z"));
			call.setObject(4, id);
			call.setString(5, "E");
			call.setString(6, "{}");
			call.setString(7, null);
			call.setInt(8, 1);
			try (ResultSet rs = call.executeQuery()) {
				rs.next();
				long position = rs.getLong(1);
				position = rs.wasNull() ? -1 : position;
				long version = rs.getLong(2);
				version = rs.wasNull() ? -1 : version;
				return new long[] { position, version, rs.getBoolean(3) ? 1 : 0 };
			}
		}
	}

	/**
	 * Outcomes as {request, first position or -1, version before}; {0, -1, -1} when the
	 * function wrote nothing because some ids are stored.
	 */
	private List<long[]> call(Group group) throws Exception {
		try (Connection connection = this.pool.getConnection();
				PreparedStatement call = connection.prepareStatement(this.sql.callAppend)) {
			call.setArray(1, connection.createArrayOf("text", group.streams.toArray()));
			call.setArray(2, connection.createArrayOf("int8", group.expected.toArray()));
			call.setArray(3, connection.createArrayOf("int4", group.counts.toArray()));
			call.setArray(4, connection.createArrayOf("text", group.created.toArray()));
			call.setArray(5, connection.createArrayOf("uuid", group.ids.toArray()));
			call.setArray(6, connection.createArrayOf("text", group.types.toArray()));
			call.setArray(7, connection.createArrayOf("text", group.data.toArray()));
			call.setArray(8, connection.createArrayOf("text", new String[group.ids.size()]));
			call.setArray(9, connection.createArrayOf("int4", group.revisions.toArray()));
			List<long[]> outcomes = new ArrayList<>();
			try (ResultSet rs = call.executeQuery()) {
				rs.next();
				if (rs.getArray(1) == null) {
					outcomes.add(new long[] { 0, -1, -1 });
					return outcomes;
				}
				Long[] first = (Long[]) rs.getArray(1).getArray();
				Long[] before = (Long[]) rs.getArray(2).getArray();
				for (int r = 0; r < first.length; r++) {
					outcomes.add(new long[] { r + 1, (first[r] != null) ? first[r] : -1, before[r] });
				}
			}
			return outcomes;
		}
	}

	private List<String> rows() throws Exception {
		List<String> rows = new ArrayList<>();
		try (Connection connection = this.pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT position, stream_id, version FROM " + this.prefix + "events ORDER BY position")) {
			while (rs.next()) {
				rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getLong(3));
			}
		}
		return rows;
	}

	private long head() throws Exception {
		try (Connection connection = this.pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.sql.lastPosition)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/** The function's arguments, built one request at a time. */
	private static final class Group {

		final List<String> streams = new ArrayList<>();

		final List<Long> expected = new ArrayList<>();

		final List<Integer> counts = new ArrayList<>();

		final List<String> created = new ArrayList<>();

		final List<UUID> ids = new ArrayList<>();

		final List<String> types = new ArrayList<>();

		final List<String> data = new ArrayList<>();

		final List<Integer> revisions = new ArrayList<>();

		Group request(String stream, long expectedVersion, int events) {
			this.streams.add(stream);
			this.expected.add(expectedVersion);
			this.counts.add(events);
			this.created.add("2026-11-26T00:00:00Z");
			for (int i = 0; i < events; i++) {
				this.ids.add(UUID.randomUUID());
				this.types.add("E");
				this.data.add("{\"n\":" + i + "}");
				this.revisions.add(1);
			}
			return this;
		}

	}

}
