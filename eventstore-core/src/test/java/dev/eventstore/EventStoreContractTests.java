package dev.eventstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import dev.eventstore.types.EventType;

/**
 * The behaviour every journal must give an {@link EventStore}. A journal's test extends
 * this class and supplies fresh stores; never copy these tests per journal.
 */
public abstract class EventStoreContractTests {

	protected EventStore store;

	/**
	 * A builder on this test's storage: empty at the first call, the same storage at the
	 * next (for restarts).
	 */
	protected abstract EventStore.Builder newBuilder();

	/** Whether the journal keeps events across a close; the restart tests need it. */
	protected boolean keepsEventsAcrossRestart() {
		return true;
	}

	/** A new, empty store. Called once per test. */
	protected EventStore createStore() {
		return newBuilder().build();
	}

	/**
	 * The store opened again on the same storage, or null for journals that keep nothing
	 * across a close (the restart tests are then skipped).
	 */
	protected EventStore reopen() {
		return keepsEventsAcrossRestart() ? newBuilder().build() : null;
	}

	@BeforeEach
	void openStore() {
		this.store = createStore();
	}

	@AfterEach
	void closeStore() {
		if (this.store != null) {
			this.store.close();
		}
	}

	record OrderPlaced(String orderId, int quantity, double price) {
	}

	@EventType("order-shipped")
	record OrderShipped(String orderId, Instant at) {
	}

	// --- appends and reads

	@Test
	void appendAssignsGaplessPositionsAndPerStreamVersions() {
		StoredEvent a1 = this.store.append("a", NewEvent.of("Created", Map.of("n", 1)));
		StoredEvent b1 = this.store.append("b", NewEvent.of("Created", Map.of("n", 2)));
		StoredEvent a2 = this.store.append("a", NewEvent.of("Renamed", Map.of("n", 3)));
		assertThat(List.of(a1.position(), b1.position(), a2.position())).containsExactly(1L, 2L, 3L);
		assertThat(List.of(a1.version(), b1.version(), a2.version())).containsExactly(1L, 1L, 2L);
		assertThat(this.store.lastPosition()).isEqualTo(3);
		assertThat(this.store.streamVersion("a")).isEqualTo(2);
		assertThat(this.store.streamVersion("unknown")).isZero();
	}

	@Test
	void emptyStoreHasPositionZeroAndNoEvents() {
		assertThat(this.store.lastPosition()).isZero();
		assertThat(this.store.readAll(1, 10)).isEmpty();
		assertThat(this.store.readStream("nothing")).isEmpty();
	}

	@Test
	void readStreamReturnsTheStoredEventsWithTheirData() {
		StoredEvent stored = this.store.append("order-1",
				NewEvent.of("OrderPlaced", Map.of("sku", "A-1", "qty", 2), Map.of("user", "ann")));
		List<StoredEvent> read = this.store.readStream("order-1");
		assertThat(read).containsExactly(stored);
		StoredEvent event = read.get(0);
		assertThat(event.streamId()).isEqualTo("order-1");
		assertThat(event.type()).isEqualTo("OrderPlaced");
		assertThat(event.data()).containsEntry("sku", "A-1").containsEntry("qty", 2);
		assertThat(event.metadata()).containsExactly(Map.entry("user", "ann"));
		assertThat(event.timestamp()).isNotNull();
	}

	@Test
	void readStreamFromVersionIsInclusiveAndBounded() {
		for (int i = 1; i <= 5; i++) {
			this.store.append("s", NewEvent.of("E", Map.of("i", i)));
			this.store.append("other", NewEvent.of("E", Map.of("i", i)));
		}
		assertThat(this.store.readStream("s", 2, 3)).extracting(StoredEvent::version).containsExactly(2L, 3L, 4L);
		assertThat(this.store.readStream("s", 5, 10)).extracting(StoredEvent::version).containsExactly(5L);
		assertThat(this.store.readStream("s", 6, 10)).isEmpty();
		assertThat(this.store.readStream("s", 1, 0)).isEmpty();
	}

	@Test
	void readAllFromPositionIsInclusiveAndBounded() {
		for (int i = 1; i <= 10; i++) {
			this.store.append("s-" + (i % 3), NewEvent.of("E", Map.of("i", i)));
		}
		assertThat(this.store.readAll(4, 3)).extracting(StoredEvent::position).containsExactly(4L, 5L, 6L);
		assertThat(this.store.readAll(9, 100)).extracting(StoredEvent::position).containsExactly(9L, 10L);
		assertThat(this.store.readAll(11, 100)).isEmpty();
		assertThat(this.store.readAll(1, 100)).extracting(e -> e.data().get("i"))
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	}

	@Test
	void readAllGivesEachEventItsStreamVersion() {
		this.store.append("x", NewEvent.of("E", Map.of()));
		this.store.append("y", NewEvent.of("E", Map.of()));
		this.store.append("x", NewEvent.of("E", Map.of()));
		assertThat(this.store.readAll(1, 10)).extracting(StoredEvent::streamId, StoredEvent::version)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("x", 1L), org.assertj.core.groups.Tuple.tuple("y", 1L),
					org.assertj.core.groups.Tuple.tuple("x", 2L));
	}

	@Test
	void batchTakesConsecutivePositionsAndVersions() {
		this.store.append("other", NewEvent.of("E", Map.of()));
		List<StoredEvent> batch = this.store.appendBatch("s",
				List.of(NewEvent.of("A", Map.of()), NewEvent.of("B", Map.of()), NewEvent.of("C", Map.of())),
				ExpectedVersion.noStream());
		assertThat(batch).extracting(StoredEvent::position).containsExactly(2L, 3L, 4L);
		assertThat(batch).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L);
		assertThat(this.store.readStream("s")).isEqualTo(batch);
	}

	@Test
	void typedPayloadsRoundTripThroughDataAs() {
		Instant at = Instant.parse("2026-05-29T11:15:00.123456Z");
		StoredEvent placed = this.store.append("o", NewEvent.of(new OrderPlaced("o", 3, 9.5)));
		StoredEvent shipped = this.store.append("o", NewEvent.of(new OrderShipped("o", at)));
		assertThat(placed.type()).isEqualTo("OrderPlaced");
		assertThat(shipped.type()).isEqualTo("order-shipped");
		List<StoredEvent> read = this.store.readStream("o");
		assertThat(read.get(0).dataAs(OrderPlaced.class)).isEqualTo(new OrderPlaced("o", 3, 9.5));
		assertThat(read.get(1).dataAs(OrderShipped.class)).isEqualTo(new OrderShipped("o", at));
	}

	// --- optimistic concurrency

	@Test
	void expectedVersionGuardsAppends() {
		this.store.append("s", NewEvent.of("A", Map.of()), ExpectedVersion.noStream());
		this.store.append("s", NewEvent.of("B", Map.of()), ExpectedVersion.exactly(1));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.append("s", NewEvent.of("C", Map.of()), ExpectedVersion.exactly(1)))
			.satisfies((ex) -> {
				assertThat(ex.streamId()).isEqualTo("s");
				assertThat(ex.expectedVersion()).isEqualTo(ExpectedVersion.exactly(1));
				assertThat(ex.actualVersion()).isEqualTo(2);
				assertThat(ex).hasMessageContaining("'s'").hasMessageContaining("version 1").hasMessageContaining("2");
			});
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.append("s", NewEvent.of("C", Map.of()), ExpectedVersion.noStream()));
		assertThat(this.store.append("new", NewEvent.of("A", Map.of()), ExpectedVersion.exactly(0)).version())
			.isEqualTo(1);
	}

	@Test
	void conflictingBatchChangesNothing() {
		this.store.append("s", NewEvent.of("A", Map.of()));
		List<StoredEvent> subscriberSaw = new CopyOnWriteArrayList<>();
		this.store.subscribe(subscriberSaw::add);
		assertThatExceptionOfType(ConcurrencyConflictException.class).isThrownBy(() -> this.store.appendBatch("s",
				List.of(NewEvent.of("B", Map.of()), NewEvent.of("C", Map.of())), ExpectedVersion.noStream()));
		assertThat(this.store.lastPosition()).isEqualTo(1);
		assertThat(this.store.streamVersion("s")).isEqualTo(1);
		assertThat(this.store.readAll(1, 10)).hasSize(1);
		assertThat(subscriberSaw).isEmpty();
		assertThat(this.store.append("s", NewEvent.of("B", Map.of())).position()).isEqualTo(2);
	}

	@Test
	void concurrentAppendsKeepPositionsGaplessAndVersionsContiguous() throws Exception {
		int threads = 8;
		int perThread = 150;
		AtomicInteger conflicts = new AtomicInteger();
		AtomicInteger guardedSuccesses = new AtomicInteger();
		runConcurrently(threads, perThread, (thread, i) -> {
			if (i % 3 == 0) {
				// Everyone competes for the shared stream with a read-then-append.
				long version = this.store.streamVersion("shared");
				try {
					this.store.append("shared", NewEvent.of("Guarded", Map.of("t", thread)),
							ExpectedVersion.exactly(version));
					guardedSuccesses.incrementAndGet();
				}
				catch (ConcurrencyConflictException ex) {
					assertThat(ex.actualVersion()).isGreaterThan(version);
					conflicts.incrementAndGet();
				}
			}
			else if (i % 3 == 1) {
				this.store.appendBatch("t-" + thread,
						List.of(NewEvent.of("B1", Map.of("i", i)), NewEvent.of("B2", Map.of("i", i))));
			}
			else {
				this.store.append("any-" + (i % 4), NewEvent.of("Any", Map.of("t", thread)));
			}
		});
		List<StoredEvent> all = this.store.readAll(1, Integer.MAX_VALUE);
		int guardedAttempts = threads * ((perThread + 2) / 3);
		assertThat(guardedSuccesses.get() + conflicts.get()).isEqualTo(guardedAttempts);
		assertThat(this.store.streamVersion("shared")).isEqualTo(guardedSuccesses.get());
		int batches = threads * (perThread / 3);
		int anys = threads * perThread - guardedAttempts - batches;
		assertThat(all).hasSize(guardedSuccesses.get() + batches * 2 + anys);
		EventLogAssertions.assertConsistentLog(all);
		// A batch's events sit on consecutive positions.
		for (int i = 0; i < all.size(); i++) {
			if (all.get(i).type().equals("B1")) {
				assertThat(all.get(i + 1).type()).isEqualTo("B2");
				assertThat(all.get(i + 1).streamId()).isEqualTo(all.get(i).streamId());
			}
		}
	}

	// --- validation before mutation

	@Test
	void rejectsBadStreamIdsWithoutStoringAnything() {
		NewEvent event = NewEvent.of("E", Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append(null, event))
			.withMessageContaining("Stream id");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append("  ", event))
			.withMessageContaining("Stream id");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append("s", null))
			.withMessageContaining("Event");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.appendBatch("s", null))
			.withMessageContaining("Events must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.appendBatch("s", java.util.Arrays.asList(event, null)))
			.withMessageContaining("Event 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.appendBatch("s", List.of(event), (ExpectedVersion) null))
			.withMessageContaining("Expected version");
		assertThat(this.store.lastPosition()).isZero();
	}

	// --- the empty batch of the original design

	@Test
	void emptyBatchChecksTheExpectedVersionAndStoresNothing() {
		this.store.append("s", NewEvent.of("E", Map.of()));
		List<StoredEvent> seen = new CopyOnWriteArrayList<>();
		this.store.subscribe(seen::add);
		assertThat(this.store.appendBatch("s", List.of(), ExpectedVersion.exactly(1))).isEmpty();
		assertThat(this.store.appendBatch("s", List.of(), ExpectedVersion.any())).isEmpty();
		assertThat(this.store.appendBatch("new", List.of(), ExpectedVersion.noStream())).isEmpty();
		assertThat(this.store.appendBatch("new", List.of())).isEmpty();
		assertThat(this.store.lastPosition()).isEqualTo(1);
		assertThat(this.store.streamVersion("new")).isZero();
		assertThat(seen).isEmpty();
	}

	@Test
	void emptyBatchWithAWrongExpectedVersionConflicts() {
		this.store.append("s", NewEvent.of("E", Map.of()));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("s", List.of(), ExpectedVersion.exactly(0)))
			.satisfies((ex) -> assertThat(ex.actualVersion()).isEqualTo(1));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("s", List.of(), ExpectedVersion.noStream()));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("other", List.of(), ExpectedVersion.exactly(3)))
			.withMessageContaining("'other'");
		assertThat(this.store.lastPosition()).isEqualTo(1);
	}

	// --- idempotent retries by event id

	private static List<NewEvent> batchWithIds(String tag, int count) {
		List<NewEvent> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(NewEvent.of("E", Map.of("tag", tag, "i", i), Map.of("m", i))
				.withId(java.util.UUID.nameUUIDFromBytes((tag + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
		}
		return batch;
	}

	@Test
	void storedEventsCarryTheIdsTheyWereAppendedWith() {
		NewEvent generated = NewEvent.of("E", Map.of());
		java.util.UUID chosen = java.util.UUID.randomUUID();
		assertThat(this.store.append("s", generated).id()).isEqualTo(generated.id());
		assertThat(this.store.append("s", NewEvent.of("E", Map.of()).withId(chosen)).id()).isEqualTo(chosen);
		assertThat(this.store.readStream("s")).extracting(StoredEvent::id).containsExactly(generated.id(), chosen);
		assertThat(NewEvent.of("E", Map.of()).id()).isNotEqualTo(NewEvent.of("E", Map.of()).id());
	}

	@Test
	void retryWithTheSameIdsStoresNothingAndReturnsTheFirstTry() {
		List<StoredEvent> seen = new CopyOnWriteArrayList<>();
		this.store.subscribe(seen::add);
		Map<ExpectedVersion, AppendResult> firstTries = new java.util.LinkedHashMap<>();
		firstTries.put(ExpectedVersion.noStream(),
				this.store.appendBatch("a", batchWithIds("a", 3), ExpectedVersion.noStream()));
		firstTries.put(ExpectedVersion.exactly(3),
				this.store.appendBatch("a", batchWithIds("b", 2), ExpectedVersion.exactly(3)));
		firstTries.put(ExpectedVersion.any(), this.store.appendBatch("a", batchWithIds("c", 1), ExpectedVersion.any()));
		this.store.append("a", NewEvent.of("Later", Map.of()));
		long last = this.store.lastPosition();
		int delivered = seen.size();
		List<String> tags = List.of("a", "b", "c");
		int t = 0;
		for (Map.Entry<ExpectedVersion, AppendResult> first : firstTries.entrySet()) {
			assertThat(first.getValue().isDuplicate()).isFalse();
			List<NewEvent> again = batchWithIds(tags.get(t), first.getValue().size());
			for (ExpectedVersion expected : List.of(first.getKey(), ExpectedVersion.any())) {
				AppendResult retry = this.store.appendBatch("a", again, expected);
				assertThat(retry.isDuplicate()).isTrue();
				assertThat(retry).isEqualTo(first.getValue());
			}
			t++;
		}
		assertThat(this.store.append("a", batchWithIds("c", 1).get(0)))
			.isEqualTo(firstTries.get(ExpectedVersion.any()).get(0));
		assertThat(this.store.lastPosition()).isEqualTo(last);
		assertThat(seen).hasSize(delivered);
	}

	@Test
	void retryWithAnExpectedVersionTheFirstTryDidNotUseConflicts() {
		this.store.appendBatch("a", batchWithIds("a", 2), ExpectedVersion.noStream());
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("a", batchWithIds("a", 2), ExpectedVersion.exactly(2)));
		assertThat(this.store.lastPosition()).isEqualTo(2);
	}

	@Test
	void idsThatOnlyPartlyMatchAStoredBatchAreRefusedNamingTheId() {
		List<NewEvent> stored = batchWithIds("a", 3);
		this.store.appendBatch("a", stored);
		List<NewEvent> partial = new ArrayList<>(stored.subList(0, 2));
		NewEvent fresh = NewEvent.of("E", Map.of("new", true));
		partial.add(fresh);
		assertThatExceptionOfType(EventIdConflictException.class).isThrownBy(() -> this.store.appendBatch("a", partial))
			.withMessageContaining(fresh.id().toString())
			.withMessageContaining("only in part")
			.satisfies((ex) -> assertThat(ex.eventId()).isEqualTo(fresh.id()));
		List<NewEvent> newFirst = List.of(fresh, stored.get(2));
		assertThatExceptionOfType(EventIdConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("a", newFirst))
			.withMessageContaining(fresh.id().toString());
		List<NewEvent> reordered = List.of(stored.get(1), stored.get(0));
		assertThatExceptionOfType(EventIdConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("a", reordered))
			.withMessageContaining(stored.get(0).id().toString());
		assertThat(this.store.lastPosition()).isEqualTo(3);
	}

	@Test
	void anIdStoredInAnotherStreamOrWithOtherDataIsRefused() {
		NewEvent event = batchWithIds("a", 1).get(0);
		this.store.append("a", event);
		assertThatExceptionOfType(EventIdConflictException.class).isThrownBy(() -> this.store.append("b", event))
			.withMessageContaining(event.id().toString())
			.withMessageContaining("stream 'a'");
		assertThatExceptionOfType(EventIdConflictException.class)
			.isThrownBy(() -> this.store.append("a", NewEvent.of("E", Map.of("other", 1)).withId(event.id())))
			.withMessageContaining("another type, data or metadata");
		assertThatExceptionOfType(EventIdConflictException.class).isThrownBy(
				() -> this.store.append("a", NewEvent.of("Other", event.data(), event.metadata()).withId(event.id())));
		assertThat(this.store.lastPosition()).isEqualTo(1);
		assertThat(this.store.streamVersion("b")).isZero();
	}

	@Test
	void badIdsAreRefusedBeforeAnythingIsWritten() {
		NewEvent event = NewEvent.of("E", Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> event.withId(null))
			.withMessageContaining("Event id must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> this.store.appendBatch("s", List.of(event, NewEvent.of("F", Map.of()).withId(event.id()))))
			.withMessageContaining("Event id " + event.id() + " appears twice");
		assertThat(this.store.lastPosition()).isZero();
	}

	@Test
	void concurrentRetriesOfOneBatchStoreExactlyOneCopy() throws Exception {
		List<NewEvent> batch = batchWithIds("once", 3);
		java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
		java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
		Set<List<StoredEvent>> results = java.util.concurrent.ConcurrentHashMap.newKeySet();
		runConcurrently(16, 20, (thread, i) -> {
			AppendResult result = this.store.appendBatch("once", batch, ExpectedVersion.noStream());
			(result.isDuplicate() ? duplicates : stored).incrementAndGet();
			results.add(List.copyOf(result));
			this.store.append("other-" + thread, NewEvent.of("Noise", Map.of()));
		});
		assertThat(stored).hasValue(1);
		assertThat(duplicates).hasValue(16 * 20 - 1);
		assertThat(results).hasSize(1);
		assertThat(this.store.readStream("once")).hasSize(3).isEqualTo(results.iterator().next());
		assertThat(this.store.lastPosition()).isEqualTo(3 + 16 * 20);
	}

	@Test
	void eventsReadRightAfterTheirAppendEqualThoseReadAfterARestart() {
		Map<String, Object> data = new java.util.LinkedHashMap<>();
		data.put("int", 7);
		data.put("long", 1L << 40);
		data.put("price", 19.99);
		data.put("wholeDouble", 2.0);
		data.put("ratio", 0.1f);
		data.put("decimal", new java.math.BigDecimal("19.990"));
		data.put("big", new java.math.BigInteger("123456789012345678901234567890"));
		data.put("text", "ümlaut \"quoted\" \ud83d\ude00 line\nbreak");
		data.put("nested", Map.of("list", List.of(1, "two", Map.of("three", true)), "none", Map.of()));
		data.put("nothing", null);
		List<NewEvent> batch = List.of(NewEvent.of("Priced", data, Map.of("traceId", "t-1")),
				NewEvent.of("Priced", Map.of("amount", 1)).withRevision(2));
		this.store.appendBatch("recent", batch);
		this.store.append("recent", NewEvent.of("Priced", Map.of("amount", 2.5)));
		List<StoredEvent> right = this.store.readStream("recent");
		assertThat(right).hasSize(3);
		assertThat(right.get(0).data()).containsEntry("ratio", 0.1).containsEntry("wholeDouble", 2.0);
		this.store.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		List<StoredEvent> afterRestart = this.store.readStream("recent");
		assertThat(afterRestart).isEqualTo(right);
		for (int i = 0; i < right.size(); i++) {
			StoredEvent before = right.get(i);
			StoredEvent after = afterRestart.get(i);
			assertThat(after.timestamp()).isEqualTo(before.timestamp());
			assertThat(after.revision()).isEqualTo(before.revision());
			assertThat(after.metadata()).isEqualTo(before.metadata());
			assertThat(after.data()).isEqualTo(before.data());
		}
		assertThat(afterRestart.get(0).payload(Priced.class)).isEqualTo(right.get(0).payload(Priced.class));
	}

	record Priced(java.math.BigDecimal decimal, double price, float ratio, String text) {
	}

	@Test
	void retriesAreRecognisedAfterARestart() {
		AppendResult first = this.store.appendBatch("a", batchWithIds("a", 2));
		this.store.append("b", NewEvent.of("E", Map.of()));
		this.store.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		AppendResult retry = this.store.appendBatch("a", batchWithIds("a", 2), ExpectedVersion.noStream());
		assertThat(retry.isDuplicate()).isTrue();
		assertThat(retry).isEqualTo(first);
		assertThat(this.store.readAll(1, 10)).extracting(StoredEvent::id)
			.startsWith(first.get(0).id(), first.get(1).id());
		assertThat(this.store.lastPosition()).isEqualTo(3);
	}

	// --- typed events and upcasting

	enum Size {

		S, M

	}

	record Line(String sku, int quantity) {
	}

	@EventType(value = "PriceSet", aliases = "OldPriceSet")
	record PriceSet(java.math.BigDecimal amount, long cents, Instant at, Size size, Line line,
			java.util.Optional<String> note) {
	}

	@EventType(value = "ItemAdded", revision = 2)
	record ItemAdded(String sku, int quantity) {
	}

	/** Revision 1 of ItemAdded called the quantity "qty". */
	private static final dev.eventstore.upcasting.Upcaster renameQty = dev.eventstore.upcasting.Upcaster.of("ItemAdded",
			1, (data) -> {
				if (data.has("fail")) {
					throw new IllegalStateException("cannot upcast this one");
				}
				data.set("quantity", data.remove("qty"));
				return data;
			});

	private EventStore typedStore() {
		this.store.close();
		this.store = newBuilder().eventTypes(dev.eventstore.types.EventTypes.of(PriceSet.class, ItemAdded.class))
			.upcasters(List.of(renameQty))
			.build();
		return this.store;
	}

	@Test
	void typedPayloadsRoundTripExactly() {
		EventStore typed = typedStore();
		List<PriceSet> payloads = List.of(
				new PriceSet(new java.math.BigDecimal("12345678901234567890.123456789"), Long.MAX_VALUE,
						Instant.parse("2026-11-25T10:15:30.123456Z"), Size.M, new Line("a", 2),
						java.util.Optional.of("gift")),
				new PriceSet(new java.math.BigDecimal("19.99"), -1, Instant.EPOCH, Size.S, new Line("b", 1),
						java.util.Optional.empty()),
				new PriceSet(new java.math.BigDecimal("19.990"), 0, Instant.EPOCH, Size.S, new Line("c", 1),
						java.util.Optional.empty()));
		for (PriceSet payload : payloads) {
			typed.append("prices", NewEvent.of(payload));
		}
		assertThat(typed.readStream("prices")).extracting(StoredEvent::payload).isEqualTo(payloads);
		assertThat(typed.readStream("prices")).allMatch(StoredEvent::isTyped);
		assertThat(typed.readAll(1, 10)).extracting((e) -> e.payload(PriceSet.class)).isEqualTo(payloads);
		assertThat(typed.readStream("prices").get(0).data().get("amount"))
			.isEqualTo(new java.math.BigDecimal("12345678901234567890.123456789"));
		assertThat(typed.readStream("prices").get(1).data().get("amount")).isEqualTo(19.99);
		assertThat(typed.readStream("prices").get(2).data().get("amount"))
			.isEqualTo(new java.math.BigDecimal("19.990"));
		typed.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		assertThat(this.store.readStream("prices")).extracting((e) -> e.payload(PriceSet.class)).isEqualTo(payloads);
	}

	@Test
	void payloadWithoutARegisteredClassSaysWhatToDo() {
		this.store.append("s", NewEvent.of("Unknown", Map.of("n", 1)));
		StoredEvent event = this.store.readStream("s").get(0);
		assertThat(event.isTyped()).isFalse();
		assertThatIllegalStateException().isThrownBy(event::payload)
			.withMessageContaining("No class is registered for event type 'Unknown' (position 1)")
			.withMessageContaining("data() or payload(Class)");
		assertThat(event.data()).containsEntry("n", 1);
		StoredEvent typed = typedStore().append("s", NewEvent.of("Unknown", Map.of("n", 2)));
		assertThatIllegalStateException().isThrownBy(typed::payload).withMessageContaining("'Unknown'");
		assertThatIllegalArgumentException().isThrownBy(() -> typed.payload(Line.class))
			.withMessageContaining("position " + typed.position())
			.withMessageContaining(Line.class.getName());
	}

	@Test
	void eventsStoredUnderAnOlderNameReadAsTheRenamedClass() {
		EventStore typed = typedStore();
		typed.append("prices", NewEvent.of("OldPriceSet", Map.of("amount", 5, "cents", 500, "at",
				"2026-01-01T00:00:00Z", "size", "S", "line", Map.of("sku", "a", "quantity", 1))));
		assertThat(typed.readStream("prices").get(0).payload()).isInstanceOf(PriceSet.class)
			.extracting((p) -> ((PriceSet) p).cents())
			.isEqualTo(500L);
	}

	@Test
	void olderRevisionsAreUpcastOnEveryReadPath() throws Exception {
		EventStore typed = typedStore();
		List<StoredEvent> live = new CopyOnWriteArrayList<>();
		typed.subscribe(live::add);
		StoredEvent old = typed.append("cart", NewEvent.of("ItemAdded", Map.of("sku", "a", "qty", 2)));
		StoredEvent current = typed.append("cart", NewEvent.of(new ItemAdded("b", 3)));
		List<ItemAdded> expected = List.of(new ItemAdded("a", 2), new ItemAdded("b", 3));
		assertThat(old.revision()).isEqualTo(2);
		assertThat(old.data()).containsOnlyKeys("sku", "quantity");
		assertThat(current.revision()).isEqualTo(2);
		assertThat(typed.readStream("cart")).extracting(StoredEvent::payload).isEqualTo(expected);
		assertThat(typed.readAll(1, 10)).extracting(StoredEvent::payload).isEqualTo(expected);
		assertThat(live).extracting(StoredEvent::payload).isEqualTo(expected);
		List<StoredEvent> caughtUp = new CopyOnWriteArrayList<>();
		Subscription subscription = typed.subscribe(1, caughtUp::add);
		await().atMost(java.time.Duration.ofSeconds(10)).until(() -> caughtUp.size() >= 2);
		subscription.close();
		assertThat(caughtUp).extracting(StoredEvent::payload).isEqualTo(expected);
		typed.close();
		this.store = keepsEventsAcrossRestart() ? typedStore() : null;
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		assertThat(this.store.readStream("cart")).extracting(StoredEvent::revision, StoredEvent::payload)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(2, expected.get(0)),
					org.assertj.core.groups.Tuple.tuple(2, expected.get(1)));
	}

	@Test
	void aFailingUpcasterNamesTheEventAndTheUpcasterAndTheStoreStaysUsable() {
		EventStore typed = typedStore();
		typed.append("good", NewEvent.of(new ItemAdded("a", 1)));
		assertThatExceptionOfType(dev.eventstore.UpcastingException.class)
			.isThrownBy(() -> typed.append("bad", NewEvent.of("ItemAdded", Map.of("fail", true, "qty", 1))))
			.withMessageContaining("position 2")
			.withMessageContaining("'ItemAdded' 1 -> 2")
			.withMessageContaining("cannot upcast this one")
			.satisfies((ex) -> assertThat(ex.position()).isEqualTo(2));
		assertThatExceptionOfType(dev.eventstore.UpcastingException.class).isThrownBy(() -> typed.readStream("bad"))
			.withMessageContaining("position 2");
		assertThat(typed.readStream("good")).extracting(StoredEvent::payload).containsExactly(new ItemAdded("a", 1));
		assertThat(typed.append("good", NewEvent.of(new ItemAdded("c", 2))).position()).isEqualTo(3);
	}

	// --- limits: whatever is accepted reads back, on every journal, after a restart

	/** A stream id of {@code length} characters that JSON must escape. */
	private static String escapedStreamId(int length) {
		StringBuilder id = new StringBuilder("\"quoted\\ \t");
		while (id.length() < length) {
			id.append('x');
		}
		return id.toString();
	}

	private static Map<String, Object> nested(int depth) {
		Map<String, Object> data = Map.of("leaf", 1);
		for (int i = 1; i < depth; i++) {
			data = Map.of("n", data);
		}
		return data;
	}

	private static String digits(int count) {
		return "9".repeat(count);
	}

	@Test
	void appendsAtEveryLimitReadBackAfterARestart() {
		int limit = EventLimits.MAX_EVENT_BYTES;
		Map<String, NewEvent> atLimit = new java.util.LinkedHashMap<>();
		atLimit.put("type", NewEvent.of("T".repeat(EventLimits.MAX_TYPE_LENGTH), Map.of()));
		atLimit.put("name", NewEvent.of("E", Map.of("k".repeat(EventLimits.MAX_NAME_LENGTH), 1)));
		atLimit.put("number",
				NewEvent.of("E", Map.of("n", new java.math.BigInteger(digits(EventLimits.MAX_NUMBER_LENGTH)),
						"negative", new java.math.BigInteger("-" + digits(EventLimits.MAX_NUMBER_LENGTH - 1)))));
		atLimit.put("depth", NewEvent.of("E", nested(EventLimits.MAX_NESTING_DEPTH)));
		// {"s":"…"} is 8 bytes around the string.
		atLimit.put("size", NewEvent.of("E", Map.of("s", "x".repeat(limit - 8))));
		atLimit.put("metadata",
				NewEvent.of("E", Map.of("a", "x".repeat(limit / 2 - 8)), Map.of("m", "y".repeat(limit / 2 - 8))));
		String streamId = escapedStreamId(EventLimits.MAX_STREAM_ID_LENGTH);
		List<StoredEvent> written = new ArrayList<>();
		for (NewEvent event : atLimit.values()) {
			written.add(this.store.append(streamId, event));
			written.add(this.store.append(streamId, NewEvent.of("After", Map.of("i", written.size()))));
		}
		assertThat(this.store.readAll(1, 100)).isEqualTo(written);
		this.store.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		assertThat(this.store.readAll(1, 100)).isEqualTo(written);
		assertThat(this.store.readStream(streamId)).isEqualTo(written);
		assertThat(this.store.append(streamId, NewEvent.of("Last", Map.of())).position()).isEqualTo(written.size() + 1);
	}

	@Test
	void refusesOnePastEveryLimitStoringNothing() {
		int limit = EventLimits.MAX_EVENT_BYTES;
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.append(escapedStreamId(EventLimits.MAX_STREAM_ID_LENGTH + 1),
					NewEvent.of("E", Map.of())))
			.withMessageContaining("Stream id")
			.withMessageContaining("longer than the limit of 512")
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("T".repeat(EventLimits.MAX_TYPE_LENGTH + 1), Map.of()))
			.withMessageContaining("Event type")
			.withMessageContaining("limit of 512");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E", Map.of("k".repeat(EventLimits.MAX_NAME_LENGTH + 1), 1)))
			.withMessageContaining("key of 10001 characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E",
					Map.of("n", new java.math.BigInteger(digits(EventLimits.MAX_NUMBER_LENGTH + 1)))))
			.withMessageContaining("number of 1001 characters at $.n");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E",
					Map.of("n", new java.math.BigInteger("-" + digits(EventLimits.MAX_NUMBER_LENGTH)))))
			.withMessageContaining("number of 1001 characters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewEvent.of("E", nested(EventLimits.MAX_NESTING_DEPTH + 1)))
			.withMessageContaining("nested deeper than 200 levels");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("s", "x".repeat(limit - 7))))
			.withMessageContaining("takes " + (limit + 1) + " bytes")
			.withMessageContaining("MAX_EVENT_BYTES");
		assertThatIllegalArgumentException().isThrownBy(
				() -> NewEvent.of("E", Map.of("a", "x".repeat(limit / 2 - 8)), Map.of("m", "y".repeat(limit / 2 - 7))))
			.withMessageContaining("takes " + (limit + 1) + " bytes");
		assertThat(this.store.lastPosition()).isZero();
	}

	@Test
	void refusesTextThatIsNotValidUnicodeOrHoldsNulWhereJournalsDiffer() {
		String lone = "s\ud800";
		NewEvent ok = NewEvent.of("E", Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append(lone, ok))
			.withMessageContaining("Stream id")
			.withMessageContaining("lone surrogate U+D800 at index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append("s\udc00x", ok))
			.withMessageContaining("lone surrogate U+DC00");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.append("s\0", ok))
			.withMessageContaining("NUL");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E\0", Map.of()))
			.withMessageContaining("NUL");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E\ud800", Map.of()))
			.withMessageContaining("lone surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("v", "x\udbff")))
			.withMessageContaining("Data of event 'E' holds a string at $.v that is not valid Unicode");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("k\udfff", 1)))
			.withMessageContaining("holds a key at $");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of("list", List.of("ok", "\ud800"))))
			.withMessageContaining("$.list[1]");
		assertThatIllegalArgumentException().isThrownBy(() -> NewEvent.of("E", Map.of(), Map.of("m", "\ud800")))
			.withMessageContaining("Metadata of event 'E'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.append("s", NewEvent.of("E", new Note("\ud800"))))
			.withMessageContaining("$.text");
		assertThat(this.store.lastPosition()).isZero();
	}

	record Note(String text) {
	}

	@Test
	void storesAnyValidUnicodeAndControlCharactersExactly() {
		String text = "pair \ud83d\ude00 nul \0 bell \u0007 line\u2028 \uffff quote \" slash \\";
		String streamId = "stream \ud83d\ude00 \u0007 \"q\"";
		StoredEvent stored = this.store.append(streamId,
				NewEvent.of("Type \ud83d\ude00", Map.of(text, text), Map.of("m", text)));
		assertThat(this.store.readStream(streamId)).containsExactly(stored);
		assertThat(stored.data()).containsEntry(text, text);
		this.store.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		assertThat(this.store.readStream(streamId)).containsExactly(stored);
		assertThat(this.store.readStream("stream ?? \u0007 \"q\"")).isEmpty();
	}

	@Test
	void timestampsReadBackExactly() {
		StoredEvent stored = this.store.append("s", NewEvent.of("E", Map.of()));
		assertThat(stored.timestamp().getNano() % 1_000).isZero();
		assertThat(this.store.readStream("s").get(0).timestamp()).isEqualTo(stored.timestamp());
	}

	@Test
	void rejectsBadReadArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.readAll(0, 10))
			.withMessageContaining("fromPosition must be >= 1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.readAll(1, -1))
			.withMessageContaining("maxCount");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.readStream("s", 0, 10))
			.withMessageContaining("fromVersion must be >= 1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.subscribe(0, (e) -> {
		})).withMessageContaining("fromPosition");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.subscribe(null))
			.withMessageContaining("Subscriber");
	}

	@Test
	void storedDataIsADeepCopyThatNobodyCanChange() {
		Map<String, Object> inner = new HashMap<>(Map.of("k", "v"));
		List<Object> list = new ArrayList<>(List.of(1, 2));
		Map<String, Object> data = new HashMap<>();
		data.put("inner", inner);
		data.put("list", list);
		NewEvent event = NewEvent.of("E", data);
		StoredEvent stored = this.store.append("s", event);
		data.put("added", true);
		inner.put("k", "changed");
		list.add(3);
		StoredEvent read = this.store.readStream("s").get(0);
		for (StoredEvent e : List.of(stored, read)) {
			assertThat(e.data()).containsOnlyKeys("inner", "list");
			assertThat(e.data().get("inner")).isEqualTo(Map.of("k", "v"));
			assertThat(e.data().get("list")).isEqualTo(List.of(1, 2));
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> e.data().put("x", 1));
			@SuppressWarnings("unchecked")
			Map<String, Object> nested = (Map<String, Object>) e.data().get("inner");
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> nested.put("k", "x"));
			@SuppressWarnings("unchecked")
			List<Object> nestedList = (List<Object>) e.data().get("list");
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> nestedList.add(9));
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> e.metadata().put("x", 1));
		}
	}

	@Test
	void numbersReadBackAsTheyWereStored() {
		Map<String, Object> data = new HashMap<>();
		data.put("int", 7);
		data.put("long", 10_000_000_000L);
		data.put("double", 2.5);
		data.put("big", new java.math.BigInteger("123456789012345678901234567890"));
		data.put("null", null);
		data.put("bool", true);
		StoredEvent stored = this.store.append("s", NewEvent.of("E", data));
		assertThat(this.store.readStream("s").get(0).data()).isEqualTo(stored.data()).isEqualTo(data);
	}

	// --- subscriptions

	@Test
	void liveSubscriberHasEventsWhenAppendReturns() {
		List<StoredEvent> seen = new ArrayList<>();
		this.store.append("before", NewEvent.of("E", Map.of()));
		this.store.subscribe(seen::add);
		StoredEvent single = this.store.append("s", NewEvent.of("A", Map.of()));
		assertThat(seen).containsExactly(single);
		List<StoredEvent> batch = this.store.appendBatch("s",
				List.of(NewEvent.of("B", Map.of()), NewEvent.of("C", Map.of())));
		assertThat(seen).containsExactly(single, batch.get(0), batch.get(1));
	}

	@Test
	void liveSubscribersSeeEveryEventOnceInOrderUnderConcurrentAppends() throws Exception {
		List<Long> first = Collections.synchronizedList(new ArrayList<>());
		List<Long> second = Collections.synchronizedList(new ArrayList<>());
		this.store.subscribe((e) -> first.add(e.position()));
		this.store.subscribe((e) -> second.add(e.position()));
		runConcurrently(6, 100, (thread, i) -> {
			if (i % 2 == 0) {
				this.store.append("s-" + thread, NewEvent.of("E", Map.of()));
			}
			else {
				this.store.appendBatch("b-" + thread, List.of(NewEvent.of("E", Map.of()), NewEvent.of("E", Map.of())));
			}
		});
		long last = this.store.lastPosition();
		assertThat(last).isEqualTo(6 * (50 + 100));
		List<Long> expected = java.util.stream.LongStream.rangeClosed(1, last).boxed().toList();
		assertThat(first).isEqualTo(expected);
		assertThat(second).isEqualTo(expected);
	}

	@Test
	void throwingSubscriberIsIsolated() {
		List<StoredEvent> others = new ArrayList<>();
		this.store.subscribe((e) -> {
			throw new IllegalStateException("boom");
		});
		this.store.subscribe(others::add);
		StoredEvent stored = this.store.append("s", NewEvent.of("E", Map.of()));
		assertThat(others).containsExactly(stored);
		assertThat(this.store.readStream("s")).containsExactly(stored);
	}

	@Test
	void subscriberMayAppendFromItsCallbackWithoutDeadlockOrDisorder() throws Exception {
		List<Long> seen = Collections.synchronizedList(new ArrayList<>());
		this.store.subscribe((e) -> {
			seen.add(e.position());
			if (e.type().equals("Command")) {
				this.store.append("reactions", NewEvent.of("Reaction", Map.of("to", e.position())));
			}
		});
		runConcurrently(4, 25, (thread, i) -> this.store.append("c-" + thread, NewEvent.of("Command", Map.of())));
		long last = this.store.lastPosition();
		assertThat(last).isEqualTo(200);
		// A nested append returns before its events are delivered (it cannot wait for its
		// caller).
		await().atMost(java.time.Duration.ofSeconds(10)).until(() -> seen.size() >= last);
		assertThat(seen).isEqualTo(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
		assertThat(this.store.readStream("reactions")).hasSize(100);
	}

	@Test
	void streamIdsComeInPagesInIdOrderFilteredByPrefix() {
		for (String id : List.of("cart-3", "order-1", "cart-1", "cart-10", "cart-2", "carts%", "cart-2")) {
			this.store.append(id, NewEvent.of("E", Map.of()));
		}
		assertThat(this.store.streamIds("", null, 100)).containsExactly("cart-1", "cart-10", "cart-2", "cart-3",
				"carts%", "order-1");
		assertThat(this.store.streamIds("cart-", null, 2)).containsExactly("cart-1", "cart-10");
		assertThat(this.store.streamIds("cart-", "cart-10", 2)).containsExactly("cart-2", "cart-3");
		assertThat(this.store.streamIds("cart-", "cart-3", 2)).isEmpty();
		assertThat(this.store.streamIds("carts%", null, 5)).containsExactly("carts%");
		assertThat(this.store.streamIds("nothing", null, 5)).isEmpty();
		assertThat(this.store.streamCount()).isEqualTo(6);
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.streamIds("", null, 0))
			.withMessageContaining("1 to 1,000");
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.streamIds("", null, 1_001));
	}

	@Test
	void liveSubscriptionStartsNowAndStopsWhenClosed() {
		this.store.append("s", NewEvent.of("Old", Map.of()));
		List<StoredEvent> seen = new ArrayList<>();
		Subscription subscription = this.store.subscribe(seen::add);
		StoredEvent next = this.store.append("s", NewEvent.of("New", Map.of()));
		subscription.close();
		assertThat(subscription.isClosed()).isTrue();
		this.store.append("s", NewEvent.of("Later", Map.of()));
		assertThat(seen).containsExactly(next);
	}

	@Test
	void catchUpSubscriptionDeliversHistoryThenLiveEventsOnceInOrder() throws Exception {
		for (int i = 0; i < 700; i++) {
			this.store.append("s-" + (i % 5), NewEvent.of("E", Map.of("i", i)));
		}
		List<Long> seen = Collections.synchronizedList(new ArrayList<>());
		CountDownLatch done = new CountDownLatch(1);
		Subscription subscription = this.store.subscribe(3, (e) -> {
			seen.add(e.position());
			if (e.position() == 1500) {
				done.countDown();
			}
		});
		runConcurrently(4, 200, (thread, i) -> this.store.append("live-" + thread, NewEvent.of("E", Map.of())));
		assertThat(done.await(30, TimeUnit.SECONDS)).as("caught up to 1500").isTrue();
		subscription.close();
		assertThat(seen).isEqualTo(java.util.stream.LongStream.rangeClosed(3, 1500).boxed().toList());
		int before = seen.size();
		this.store.append("s", NewEvent.of("AfterClose", Map.of()));
		await().during(java.time.Duration.ofMillis(50))
			.atMost(java.time.Duration.ofSeconds(2))
			.until(() -> seen.size() == before);
	}

	@Test
	void catchUpSubscriberMayAppendFromItsCallback() throws Exception {
		this.store.append("s", NewEvent.of("Command", Map.of()));
		CountDownLatch reacted = new CountDownLatch(1);
		this.store.subscribe(1, (e) -> {
			if (e.type().equals("Command")) {
				this.store.append("r", NewEvent.of("Reaction", Map.of()));
			}
			else {
				reacted.countDown();
			}
		});
		assertThat(reacted.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.store.readStream("r")).hasSize(1);
	}

	// --- lifecycle

	@Test
	void useAfterCloseFailsClearly() {
		this.store.close();
		this.store.close();
		assertThatIllegalStateException().isThrownBy(() -> this.store.append("s", NewEvent.of("E", Map.of())))
			.withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.store.readAll(1, 1)).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.store.readStream("s")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.store.lastPosition()).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> this.store.subscribe((e) -> {
		})).withMessageContaining("closed");
		this.store = null;
	}

	@Test
	void closingTheStoreStopsCatchUpSubscriptions() {
		Subscription subscription = this.store.subscribe(1, (e) -> {
		});
		this.store.close();
		assertThat(subscription.isClosed()).isTrue();
		this.store = null;
	}

	@Test
	void eventsSurviveARestart() {
		List<StoredEvent> written = new ArrayList<>();
		written.add(this.store.append("a", NewEvent.of("E", Map.of("x", List.of(1, "two", Map.of("three", 3.0))))));
		written.addAll(this.store.appendBatch("b", List.of(NewEvent.of("F", Map.of()), NewEvent.of("G", Map.of()))));
		this.store.close();
		this.store = reopen();
		org.junit.jupiter.api.Assumptions.assumeTrue(this.store != null, "this journal keeps nothing across a restart");
		assertThat(this.store.readAll(1, 10)).isEqualTo(written);
		assertThat(this.store.streamVersion("b")).isEqualTo(2);
		assertThat(this.store.append("a", NewEvent.of("E", Map.of()), ExpectedVersion.exactly(1)).position())
			.isEqualTo(4);
	}

	protected static void runConcurrently(int threads, int perThread, Concurrently.Action action) throws Exception {
		Concurrently.run(threads, perThread, action);
	}

}
