package dev.eventstore.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.AppendResult;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.QueryResult;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same random operations on every journal — in memory, a single file, a file of
 * segments a few events long, PostgreSQL — give the same outcome, operation by operation:
 * appends and batches (empty ones too) under every kind of expected version, conditional
 * appends on tags and types, retries of earlier batches, reads by query, by stream and of
 * the log with every paging, the stream list, versions; the file and PostgreSQL stores
 * closed and opened again now and then. An outcome is the events (position, stream,
 * version, type, tags, data, metadata, id), whether an append was a retry's, or the
 * exception's type and, for a condition, the positions it names. A few hundred operations
 * a seed by default, many thousands with {@code -Deventstore.torture=true}.
 */
class JournalsAgreeTests {

	private static final boolean TORTURE = Boolean.getBoolean("eventstore.torture");

	private static final String[] TAGS = { "a:1", "a:2", "b:1", "c:x" };

	private static final String[] TYPES = { "T0", "T1", "T2" };

	private static final String[] NAMES = { "memory", "file", "segmented", "postgres" };

	@TempDir
	Path dir;

	private HikariDataSource pool;

	private String prefix;

	private EventStore open(int journal, EventStore memory) {
		return switch (journal) {
			case 0 -> memory;
			case 1 ->
				EventStore.builder().persistPath(this.dir.resolve("single.ndjson")).fsync(FsyncPolicy.NEVER).build();
			case 2 -> EventStore.builder()
				.persistPath(this.dir.resolve("segmented.ndjson"))
				.segmentSize(2048)
				.fsync(FsyncPolicy.NEVER)
				.build();
			default -> EventStore.builder().journal(EmbeddedPostgresServer.journal(this.pool, this.prefix)).build();
		};
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2 })
	void everyJournalGivesTheSameOutcomeForTheSameOperations(long seed) {
		this.pool = EmbeddedPostgresServer.pool(4);
		this.prefix = EmbeddedPostgresServer.freshPrefix();
		EventStore[] stores = new EventStore[4];
		EventStore memory = EventStore.inMemory();
		for (int i = 0; i < stores.length; i++) {
			stores[i] = open(i, memory);
		}
		try {
			run(new Random(seed), TORTURE ? 20_000 : 400, stores, memory);
		}
		finally {
			for (EventStore store : stores) {
				store.close();
			}
			this.pool.close();
		}
	}

	private void run(Random random, int operations, EventStore[] stores, EventStore memory) {
		List<Retry> batches = new ArrayList<>();
		int appended = 0;
		int refused = 0;
		for (int n = 0; n < operations; n++) {
			long last = memory.lastPosition();
			int kind = random.nextInt(100);
			String description;
			Function<EventStore, String> operation;
			if (kind < 40 || batches.isEmpty()) {
				Retry append = append(random, n, memory, last);
				batches.add(append);
				description = append.toString();
				operation = append::apply;
			}
			else if (kind < 50) {
				Retry earlier = batches.get(random.nextInt(batches.size()));
				Retry retry = new Retry(earlier.stream, earlier.events, earlier.expected, null);
				description = "again " + retry;
				operation = retry::apply;
			}
			else if (kind < 65) {
				EventQuery query = query(random);
				long from = random.nextInt((int) last + 3);
				int max = 1 + random.nextInt(6);
				description = "read " + query + " from " + from + " max " + max;
				operation = (store) -> {
					QueryResult result = store.read(query, from, max);
					return result.position() + " " + show(result.events());
				};
			}
			else if (kind < 75) {
				String stream = "s-" + random.nextInt(7);
				long from = random.nextInt(8);
				int max = random.nextInt(5);
				description = "readStream " + stream + " from " + from + " max " + max;
				operation = (store) -> show(store.readStream(stream, from, max));
			}
			else if (kind < 83) {
				long from = random.nextInt((int) last + 3) - 1;
				int max = random.nextInt(5);
				description = "readAll from " + from + " max " + max;
				operation = (store) -> show(store.readAll(from, max));
			}
			else if (kind < 90) {
				String after = random.nextBoolean() ? null : "s-" + random.nextInt(7);
				int limit = random.nextInt(4);
				String prefix = random.nextBoolean() ? "s-" : (random.nextBoolean() ? "" : "s-1");
				description = "streamIds '" + prefix + "' after " + after + " limit " + limit;
				operation = (store) -> store.streamIds(prefix, after, limit) + " of " + store.streamCount();
			}
			else if (kind < 97) {
				String stream = "s-" + random.nextInt(7);
				description = "versions of " + stream;
				operation = (store) -> store.streamVersion(stream) + " " + store.lastPosition();
			}
			else {
				for (int i = 1; i < stores.length; i++) {
					stores[i].close();
					stores[i] = open(i, memory);
				}
				continue;
			}
			String expected = outcome(operation, memory);
			for (int i = 1; i < stores.length; i++) {
				assertThat(outcome(operation, stores[i])).as("operation %d on %s: %s", n, NAMES[i], description)
					.isEqualTo(expected);
			}
			if (description.startsWith("append")) {
				appended += expected.startsWith("!") ? 0 : 1;
				refused += expected.startsWith("!") ? 1 : 0;
			}
		}
		// The operations reach both sides of every check.
		assertThat(appended).isPositive();
		assertThat(refused).isPositive();
	}

	private static Retry append(Random random, int n, EventStore memory, long last) {
		String stream = "s-" + random.nextInt(6);
		int size = (random.nextInt(10) == 0) ? 0 : 1 + random.nextInt(4);
		List<NewEvent> events = new ArrayList<>();
		for (int k = 0; k < size; k++) {
			List<String> tags = new ArrayList<>();
			for (String tag : TAGS) {
				if (random.nextInt(3) == 0) {
					tags.add(tag);
				}
			}
			events.add(
					NewEvent
						.of(TYPES[random.nextInt(TYPES.length)], Map.of("n", n, "k", k),
								random.nextBoolean() ? Map.of("m", n) : null)
						.withTags(tags.toArray(new String[0])));
		}
		long version = memory.streamVersion(stream);
		ExpectedVersion expected = switch (random.nextInt(4)) {
			case 0 -> ExpectedVersion.any();
			case 1 -> ExpectedVersion.noStream();
			case 2 -> ExpectedVersion.exactly(Math.max(0, version + random.nextInt(3) - 1));
			default -> ExpectedVersion.exactly(version);
		};
		AppendCondition condition = (random.nextInt(3) == 0)
				? AppendCondition.failIfEventsMatch(query(random), random.nextInt((int) last + 2)) : null;
		return new Retry(stream, events, expected, condition);
	}

	private static EventQuery query(Random random) {
		EventQuery query = switch (random.nextInt(5)) {
			case 0 -> EventQuery.all();
			case 1, 2 -> EventQuery.ofTags(TAGS[random.nextInt(TAGS.length)], TAGS[random.nextInt(TAGS.length)]);
			default -> EventQuery.ofTypes(TYPES[random.nextInt(TYPES.length)], TYPES[random.nextInt(TYPES.length)]);
		};
		if (random.nextInt(3) == 0) {
			query = query.or(EventQuery.of(List.of(TYPES[random.nextInt(TYPES.length)]),
					List.of(TAGS[random.nextInt(TAGS.length)])));
		}
		return query;
	}

	private static String outcome(Function<EventStore, String> operation, EventStore store) {
		try {
			return operation.apply(store);
		}
		catch (AppendConditionFailedException ex) {
			return "!condition " + ex.conflictingPositions();
		}
		catch (RuntimeException ex) {
			return "!" + ex.getClass().getSimpleName();
		}
	}

	private static String show(List<StoredEvent> events) {
		StringBuilder shown = new StringBuilder();
		for (StoredEvent event : events) {
			shown.append(event.position())
				.append(' ')
				.append(event.streamId())
				.append('@')
				.append(event.version())
				.append(' ')
				.append(event.type())
				.append(new TreeSet<>(event.tags()))
				.append(event.data())
				.append(event.metadata())
				.append(' ')
				.append(event.id())
				.append("; ");
		}
		return shown.toString();
	}

	/** An append, kept to be made again with the same events (so the same ids). */
	private record Retry(String stream, List<NewEvent> events, ExpectedVersion expected,
			@Nullable AppendCondition condition) {

		String apply(EventStore store) {
			AppendResult result = (this.condition != null)
					? store.appendBatch(this.stream, this.events, this.expected, this.condition)
					: store.appendBatch(this.stream, this.events, this.expected);
			return (result.isDuplicate() ? "retry " : "new ") + show(result);
		}

		@Override
		public String toString() {
			return "append " + this.events.size() + " to " + this.stream + " expecting " + this.expected
					+ ((this.condition != null) ? " if " + this.condition : "");
		}

	}

}
