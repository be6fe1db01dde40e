package dev.eventstore.postgres;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventstore.AppendCondition;
import dev.eventstore.AppendConditionFailedException;
import dev.eventstore.EventQuery;
import dev.eventstore.EventStore;
import dev.eventstore.EventStoreException;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link PostgresJournal#importEvents}: the copy from a file journal, on the events' own
 * positions, all or none.
 */
class ImportEventsTests {

	private static final Instant T1 = Instant.parse("2024-03-01T10:15:30.123456Z");

	private static final Instant T2 = Instant.parse("2024-03-01T10:15:31.000001Z");

	private final HikariDataSource pool = EmbeddedPostgresServer.pool(2);

	private final String prefix = EmbeddedPostgresServer.freshPrefix();

	private final PostgresJournal journal = EmbeddedPostgresServer.journal(this.pool, this.prefix);

	@AfterEach
	void close() {
		this.journal.close();
		this.pool.close();
	}

	@Test
	void importedEventsKeepEverythingTheyAreAndTheJournalContinuesAfterThem() {
		List<StoredEvent> source = List.of(event(1, "a", 1, T1), event(2, "a", 2, T1), event(3, "b", 1, T1),
				event(4, "a", 3, T2), event(5, "b", 2, T2));

		this.journal.importEvents(source);

		List<StoredEvent> stored = this.journal.readAll(1, 10);
		assertThat(stored).hasSize(5);
		for (int i = 0; i < source.size(); i++) {
			StoredEvent expected = source.get(i);
			StoredEvent actual = stored.get(i);
			assertThat(actual.position()).isEqualTo(expected.position());
			assertThat(actual.streamId()).isEqualTo(expected.streamId());
			assertThat(actual.version()).isEqualTo(expected.version());
			assertThat(actual.id()).isEqualTo(expected.id());
			assertThat(actual.type()).isEqualTo(expected.type());
			assertThat(actual.revision()).isEqualTo(expected.revision());
			assertThat(actual.data()).isEqualTo(expected.data());
			assertThat(actual.metadata()).isEqualTo(expected.metadata());
			assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
		}
		assertThat(this.journal.lastPosition()).isEqualTo(5);
		assertThat(this.journal.streamVersion("a")).isEqualTo(3);
		assertThat(this.journal.append("b", List.of(NewEvent.of("Next", Map.of())), ExpectedVersion.exactly(2), T2)
			.get(0)
			.position()).isEqualTo(6);
	}

	/**
	 * A copied journal's tags: the append function writes none, so a page holding tagged
	 * events is written as a tagged append is. Without them a query by tag, and so a
	 * conditional append's consistency boundary, would find nothing of what was copied.
	 */
	@Test
	void importedEventsKeepTheirTagsAndAConditionOnThemHoldsAfterTheCopy() {
		List<StoredEvent> source = List.of(event(1, "a", 1, T1), tagged(event(2, "a", 2, T1), "customer:7"),
				tagged(event(3, "b", 1, T1), "customer:7", "order:3"), event(4, "a", 3, T2));

		this.journal.importEvents(source);
		this.journal.importEvents(List.of(tagged(event(5, "b", 2, T2), "order:3")));

		assertThat(this.journal.readAll(1, 10)).extracting(StoredEvent::tags)
			.containsExactly(Set.of(), Set.of("customer:7"), Set.of("customer:7", "order:3"), Set.of(),
					Set.of("order:3"));
		assertThat(this.journal.lastPosition()).isEqualTo(5);
		assertThat(this.journal.streamVersion("b")).isEqualTo(2);
		try (EventStore store = EventStore.builder().journal(this.journal).build()) {
			assertThat(store.read(EventQuery.ofTags("customer:7")).events()).extracting(StoredEvent::position)
				.containsExactly(2L, 3L);
			// A decision taken on customer 7 knowing nothing of it is refused.
			assertThatExceptionOfType(AppendConditionFailedException.class)
				.isThrownBy(() -> store.append("c", NewEvent.of("Decided", Map.of()).withTags("customer:7"),
						AppendCondition.failIfEventsMatch(EventQuery.ofTags("customer:7"))));
		}
	}

	@Test
	void aTaggedPageThatDoesNotFollowTheJournalOrItsStreamsOrRepeatsAnIdIsRefusedWhole() {
		this.journal.importEvents(List.of(tagged(event(1, "a", 1, T1), "t:1")));

		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.journal.importEvents(List.of(tagged(event(3, "b", 1, T1), "t:3"))))
			.withMessageContaining("position 3")
			.withMessageContaining("would be stored at position 2")
			.withMessageContaining("nothing was imported");
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.journal
				.importEvents(List.of(tagged(event(2, "b", 1, T1), "t:2"), tagged(event(3, "a", 5, T2), "t:3"))))
			.withMessageContaining("stream 'a', version 5")
			.withMessageContaining("the stream is at version 1")
			.withMessageContaining("nothing was imported");
		StoredEvent first = this.journal.readAll(1, 1).get(0);
		StoredEvent sameId = StoredEvent.appended(2, "b", 1,
				NewEvent.of("Copied", Map.of("n", 2)).withId(first.id()).withTags("t:2"), T1);
		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.journal.importEvents(List.of(sameId)))
			.withMessageContaining("ids are stored already");
		assertThat(this.journal.lastPosition()).isEqualTo(1);
		assertThat(this.journal.readStream("b", 1, 10)).isEmpty();
	}

	@Test
	void laterPagesContinueTheFirstAndWakeOtherInstancesWatchers() throws Exception {
		this.journal.importEvents(List.of(event(1, "a", 1, T1)));
		CountDownLatch notified = new CountDownLatch(1);
		try (HikariDataSource otherPool = EmbeddedPostgresServer.pool(2);
				PostgresJournal other = EmbeddedPostgresServer.journal(otherPool, this.prefix)) {
			AutoCloseable watch = other.watchCommits(notified::countDown);
			try {
				// The watcher listens from its own thread; import pages until it hears
				// one.
				long position = 1;
				while (position < 100 && notified.getCount() > 0) {
					position++;
					this.journal.importEvents(List.of(event(position, "b", position - 1, T2)));
					notified.await(100, TimeUnit.MILLISECONDS);
				}
				assertThat(notified.getCount()).isZero();
				assertThat(other.lastPosition()).isEqualTo(position);
				assertThat(other.streamVersion("b")).isEqualTo(position - 1);
			}
			finally {
				watch.close();
			}
		}
	}

	@Test
	void eventsThatDoNotStartRightAfterTheJournalsEndAreRefusedAndNothingIsWritten() {
		this.journal.importEvents(List.of(event(1, "a", 1, T1)));

		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.journal.importEvents(List.of(event(3, "b", 1, T1))))
			.withMessageContaining("position 3")
			.withMessageContaining("would be stored at position 2")
			.withMessageContaining("nothing was imported");
		assertThat(this.journal.lastPosition()).isEqualTo(1);
		assertThat(this.journal.readStream("b", 1, 10)).isEmpty();
	}

	@Test
	void aVersionThatDoesNotFollowItsStreamRefusesTheWholePage() {
		List<StoredEvent> page = List.of(event(1, "a", 1, T1), event(2, "b", 1, T1), event(3, "a", 5, T2));

		assertThatExceptionOfType(EventStoreException.class).isThrownBy(() -> this.journal.importEvents(page))
			.withMessageContaining("position 3")
			.withMessageContaining("stream 'a', version 5")
			.withMessageContaining("the stream is at version 1")
			.withMessageContaining("nothing was imported");
		assertThat(this.journal.lastPosition()).isZero();
		assertThat(this.journal.readAll(1, 10)).isEmpty();
	}

	@Test
	void anIdStoredAlreadyRefusesThePage() {
		StoredEvent first = event(1, "a", 1, T1);
		this.journal.importEvents(List.of(first));
		StoredEvent sameId = StoredEvent.appended(2, "b", 1, NewEvent.of("Copied", Map.of("n", 2)).withId(first.id()),
				T1);

		assertThatExceptionOfType(EventStoreException.class)
			.isThrownBy(() -> this.journal.importEvents(List.of(sameId)))
			.withMessageContaining("ids are stored already");
		assertThat(this.journal.lastPosition()).isEqualTo(1);
	}

	@Test
	void aConnectionLostWhileCommittingSaysTheOutcomeIsUnknownNotThatNothingWasImported() {
		// Once armed, a commit reaches the database and its answer does not.
		java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
		javax.sql.DataSource losingAnswers = proxy(javax.sql.DataSource.class, this.pool, (method, result) -> {
			if (result instanceof java.sql.Connection connection) {
				return proxy(java.sql.Connection.class, connection, (call, value) -> {
					if (call.equals("commit") && armed.get()) {
						throw new java.sql.SQLException("I/O error: connection reset", "08006");
					}
					return value;
				});
			}
			return result;
		});
		try (PostgresJournal flaky = EmbeddedPostgresServer.journal(losingAnswers, this.prefix)) {
			armed.set(true);
			assertThatExceptionOfType(EventStoreException.class)
				.isThrownBy(() -> flaky.importEvents(List.of(event(1, "a", 1, T1), event(2, "a", 2, T1))))
				.withMessageContaining("positions 1 to 2")
				.withMessageContaining("outcome is unknown")
				.withMessageNotContaining("nothing was imported");
		}
		assertThat(this.journal.lastPosition()).isEqualTo(2);
	}

	/**
	 * A JDK proxy that calls the target, then lets {@code after} see or replace the
	 * result.
	 */
	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, T target, After after) {
		return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(self, method, args) -> {
					Object result;
					try {
						result = method.invoke(target, args);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getCause();
					}
					return after.apply(method.getName(), result);
				});
	}

	private interface After {

		Object apply(String method, Object result) throws Exception;

	}

	@Test
	void anEmptyPageWritesNothing() {
		this.journal.importEvents(List.of());

		assertThat(this.journal.lastPosition()).isZero();
	}

	private static StoredEvent tagged(StoredEvent event, String... tags) {
		return StoredEvent.appended(event.position(), event.streamId(), event.version(),
				NewEvent.ofJson(event.type(), event.dataJson(), event.metadata())
					.withId(event.id())
					.withRevision(event.revision())
					.withTags(tags),
				event.timestamp());
	}

	private static StoredEvent event(long position, String stream, long version, Instant time) {
		NewEvent event = NewEvent
			.of("Copied", Map.of("n", (int) position, "amount", new java.math.BigDecimal("10.10")),
					(position % 2 == 0) ? Map.of("by", "user-" + position) : null)
			.withRevision((int) (position % 3) + 1);
		return StoredEvent.appended(position, stream, version, event, time.truncatedTo(ChronoUnit.MICROS));
	}

}
