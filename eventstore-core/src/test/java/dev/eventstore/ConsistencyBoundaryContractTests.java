package dev.eventstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.types.EventTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Dynamic consistency boundaries, the same on every journal: tags on events, reads by
 * query and appends guarded by a condition on the whole log, race-free. A journal's test
 * extends this class and supplies fresh stores.
 */
public abstract class ConsistencyBoundaryContractTests {

	/**
	 * Rounds of the racers test; raise with -Deventstore.dcb.rounds for a torture run.
	 */
	private static final int ROUNDS = Integer.getInteger("eventstore.dcb.rounds", 100);

	protected EventStore store;

	/** A builder on this test's storage: empty at the first call, the same later. */
	protected abstract EventStore.Builder newBuilder();

	/** Whether the journal keeps events across a close. */
	protected boolean keepsEventsAcrossRestart() {
		return true;
	}

	@BeforeEach
	void openStore() {
		this.store = newBuilder().build();
	}

	@AfterEach
	void closeStore() {
		if (this.store != null) {
			this.store.close();
		}
	}

	record ItemReserved(@EventTag("sku") String sku, @EventTag("cart") String cartId, int units) {
	}

	record CouponRedeemed(@EventTag String coupon, @EventTag("customer") List<String> customers) {
	}

	private static NewEvent reserved(String sku, String cart, int units) {
		return NewEvent.of(new ItemReserved(sku, cart, units));
	}

	@Test
	void tagsAreStoredWithTheEventAndReadBackOnEveryPath() {
		StoredEvent stored = this.store.append("cart-1", reserved("gold-1", "1", 2).withTags("promo"));
		assertThat(stored.tags()).containsExactly("sku:gold-1", "cart:1", "promo");
		assertThat(this.store.readStream("cart-1").get(0).tags()).containsExactly("sku:gold-1", "cart:1", "promo");
		assertThat(this.store.readAll(1, 10).get(0).tags()).containsExactly("sku:gold-1", "cart:1", "promo");
		StoredEvent untagged = this.store.append("cart-1", NewEvent.of("Note", Map.of("text", "hi")));
		assertThat(untagged.tags()).isEmpty();
		if (keepsEventsAcrossRestart()) {
			this.store.close();
			this.store = newBuilder().build();
			assertThat(this.store.readStream("cart-1")).extracting(StoredEvent::tags)
				.containsExactly(java.util.Set.of("sku:gold-1", "cart:1", "promo"), java.util.Set.of());
		}
	}

	@Test
	void tagsOfAnyTextReadBackExactlyAndStillMatch() {
		String[] tags = { "quote:\"q\"", "slash:a\\b", "unicode:gr\u00fc\u00df \ud83d\ude00", "line:a\nb", "plain:x" };
		this.store.append("odd", NewEvent.of("Odd", Map.of()).withTags(tags));
		if (keepsEventsAcrossRestart()) {
			this.store.close();
			this.store = newBuilder().build();
		}
		assertThat(this.store.readStream("odd").get(0).tags()).containsExactly(tags);
		for (String tag : tags) {
			assertThat(positions(EventQuery.ofTags(tag))).as(tag).containsExactly(1L);
		}
	}

	@Test
	void eventTagTagsEachElementOfACollection() {
		NewEvent event = NewEvent.of(new CouponRedeemed("WELCOME", List.of("c-1", "c-2")));
		assertThat(event.tags()).containsExactly("coupon:WELCOME", "customer:c-1", "customer:c-2");
	}

	@Test
	void badTagsAreRefusedNamingTheProblem() {
		NewEvent event = NewEvent.of("E", Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> event.withTags(" "))
			.withMessageContaining("Tag must not be null or blank");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> event.withTags("x".repeat(EventLimits.MAX_TAG_LENGTH + 1)))
			.withMessageContaining("EventLimits");
		String[] many = new String[EventLimits.MAX_TAGS + 1];
		for (int i = 0; i < many.length; i++) {
			many[i] = "t:" + i;
		}
		assertThatIllegalArgumentException().isThrownBy(() -> event.withTags(many))
			.withMessageContaining("EventLimits.MAX_TAGS");
		assertThatIllegalArgumentException().isThrownBy(() -> EventQuery.of(List.of(""), List.of()))
			.withMessageContaining("type");
		assertThat(this.store.lastPosition()).isZero();
	}

	@Test
	void aQueryIsAnOrOfItemsEachAnAndOfTagsAndAnOrOfTypes() {
		this.store.append("cart-1", reserved("gold-1", "1", 1));
		this.store.append("cart-2", reserved("gold-1", "2", 1));
		this.store.append("cart-2", reserved("silver", "2", 1));
		this.store.append("cart-3", NewEvent.of("CartCheckedOut", Map.of()).withTags("cart:3", "sku:gold-1"));
		this.store.append("other", NewEvent.of("Note", Map.of()));

		assertThat(positions(EventQuery.of(List.of("ItemReserved"), List.of("sku:gold-1")))).containsExactly(1L, 2L);
		assertThat(positions(EventQuery.ofTags("sku:gold-1"))).containsExactly(1L, 2L, 4L);
		assertThat(positions(EventQuery.ofTags("sku:gold-1", "cart:2"))).containsExactly(2L);
		assertThat(positions(EventQuery.of(List.of("ItemReserved", "CartCheckedOut"), List.of("sku:gold-1"))))
			.containsExactly(1L, 2L, 4L);
		assertThat(positions(EventQuery.ofTags("sku:silver").or(EventQuery.ofTypes("Note")))).containsExactly(3L, 5L);
		assertThat(positions(EventQuery.ofTags("sku:none"))).isEmpty();
		assertThat(positions(EventQuery.ofTypes("Unknown"))).isEmpty();
		assertThat(positions(EventQuery.all())).containsExactly(1L, 2L, 3L, 4L, 5L);
		QueryResult result = this.store.read(EventQuery.ofTags("sku:gold-1"));
		assertThat(result.position()).isEqualTo(5);
	}

	@Test
	void aPagedReadReflectsItsRangeUpToItsPosition() {
		for (int i = 1; i <= 10; i++) {
			this.store.append("cart-" + i, reserved((i % 2 == 0) ? "gold-1" : "silver", Integer.toString(i), 1));
		}
		QueryResult first = this.store.read(EventQuery.ofTags("sku:gold-1"), 1, 2);
		assertThat(first.events()).extracting(StoredEvent::position).containsExactly(2L, 4L);
		assertThat(first.position()).isBetween(4L, 5L);
		QueryResult second = this.store.read(EventQuery.ofTags("sku:gold-1"), first.position() + 1, 10);
		assertThat(second.events()).extracting(StoredEvent::position).containsExactly(6L, 8L, 10L);
		assertThat(second.position()).isEqualTo(10);
	}

	@Test
	void aConditionFailsOnlyForAMatchAfterItsPosition() {
		EventQuery gold = EventQuery.ofTags("sku:gold-1");
		this.store.append("cart-1", reserved("gold-1", "1", 1));
		this.store.append("cart-2", reserved("silver", "2", 1));
		long read = this.store.read(gold).position();
		assertThat(read).isEqualTo(2);

		StoredEvent ok = this.store.append("cart-3", reserved("gold-1", "3", 1),
				AppendCondition.failIfEventsMatch(gold, read));
		assertThat(ok.position()).isEqualTo(3);

		assertThatExceptionOfType(AppendConditionFailedException.class)
			.isThrownBy(() -> this.store.append("cart-4", reserved("gold-1", "4", 1),
					AppendCondition.failIfEventsMatch(gold, read)))
			.satisfies((ex) -> {
				assertThat(ex.conflictingPositions()).containsExactly(3L);
				assertThat(ex).isInstanceOf(ConcurrencyConflictException.class);
				assertThat(ex.getMessage()).contains("cart-4").contains("after position 2");
			});
		assertThatExceptionOfType(AppendConditionFailedException.class).isThrownBy(
				() -> this.store.append("cart-4", reserved("gold-1", "4", 1), AppendCondition.failIfEventsMatch(gold)))
			.satisfies((ex) -> assertThat(ex.conflictingPositions()).containsExactly(1L, 3L));
		assertThat(this.store.lastPosition()).isEqualTo(3);

		// Above the last match, and on an unrelated query, the append goes through.
		this.store.append("cart-4", reserved("gold-1", "4", 1), AppendCondition.failIfEventsMatch(gold, 3));
		this.store.append("cart-5", reserved("bronze", "5", 1),
				AppendCondition.failIfEventsMatch(EventQuery.ofTags("sku:bronze")));
		assertThat(this.store.lastPosition()).isEqualTo(5);
	}

	@Test
	void aConditionCombinesWithAnExpectedVersion() {
		this.store.append("cart-1", reserved("gold-1", "1", 1));
		AppendCondition none = AppendCondition.failIfEventsMatch(EventQuery.ofTags("sku:other"));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.appendBatch("cart-1", List.of(reserved("gold-1", "1", 1)),
					ExpectedVersion.noStream(), none))
			.isNotInstanceOf(AppendConditionFailedException.class);
		this.store.appendBatch("cart-1", List.of(reserved("gold-1", "1", 1)), ExpectedVersion.exactly(1), none);
		assertThat(this.store.streamVersion("cart-1")).isEqualTo(2);
	}

	@Test
	void aBatchIsCheckedAndWrittenWhole() {
		EventQuery gold = EventQuery.ofTags("sku:gold-1");
		List<NewEvent> batch = List.of(reserved("gold-1", "1", 1), reserved("gold-1", "1", 2));
		AppendResult stored = this.store.appendBatch("cart-1", batch, AppendCondition.failIfEventsMatch(gold));
		assertThat(stored).extracting(StoredEvent::position).containsExactly(1L, 2L);
		assertThatExceptionOfType(AppendConditionFailedException.class).isThrownBy(
				() -> this.store.appendBatch("cart-2", List.of(reserved("silver", "2", 1), reserved("gold-1", "2", 1)),
						AppendCondition.failIfEventsMatch(gold)));
		assertThat(this.store.lastPosition()).isEqualTo(2);
	}

	@Test
	void aRetryOfAStoredBatchReturnsItWhateverTheConditionNowSays() {
		EventQuery gold = EventQuery.ofTags("sku:gold-1");
		NewEvent event = reserved("gold-1", "1", 1);
		StoredEvent first = this.store.append("cart-1", event, AppendCondition.failIfEventsMatch(gold));
		AppendResult retry = this.store.appendBatch("cart-1", List.of(event), AppendCondition.failIfEventsMatch(gold));
		assertThat(retry.isDuplicate()).isTrue();
		assertThat(retry.get(0)).isEqualTo(first);
		assertThat(this.store.lastPosition()).isEqualTo(1);
	}

	@Test
	void anEmptyBatchChecksTheConditionAndWritesNothing() {
		EventQuery gold = EventQuery.ofTags("sku:gold-1");
		assertThat(this.store.appendBatch("cart-1", List.of(), AppendCondition.failIfEventsMatch(gold))).isEmpty();
		this.store.append("cart-1", reserved("gold-1", "1", 1));
		assertThatExceptionOfType(AppendConditionFailedException.class)
			.isThrownBy(() -> this.store.appendBatch("cart-1", List.of(), AppendCondition.failIfEventsMatch(gold)));
		assertThat(this.store.lastPosition()).isEqualTo(1);
	}

	@Test
	void conditionsHoldAcrossARestart() {
		if (!keepsEventsAcrossRestart()) {
			return;
		}
		this.store.append("cart-1", reserved("gold-1", "1", 1));
		this.store.close();
		this.store = newBuilder().build();
		assertThatExceptionOfType(AppendConditionFailedException.class).isThrownBy(() -> this.store.append("cart-2",
				reserved("gold-1", "2", 1), AppendCondition.failIfEventsMatch(EventQuery.ofTags("sku:gold-1"))));
		assertThat(this.store.read(EventQuery.ofTags("sku:gold-1")).events()).hasSize(1);
	}

	/**
	 * 16 threads each read the boundary and append under its condition, round after
	 * round: exactly one commit per round, every time.
	 */
	@Test
	void racersCommitExactlyOneEventPerRound() throws Exception {
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				EventQuery boundary = EventQuery.ofTags("round:" + round);
				CountDownLatch start = new CountDownLatch(1);
				AtomicInteger committed = new AtomicInteger();
				List<Future<?>> racers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int racer = t;
					int r = round;
					racers.add(pool.submit(() -> {
						start.await();
						QueryResult read = this.store.read(boundary);
						if (!read.events().isEmpty()) {
							return null;
						}
						try {
							this.store.append("racer-" + racer,
									NewEvent.of("Won", Map.of("round", r)).withTags("round:" + r),
									AppendCondition.failIfEventsMatch(boundary, read.position()));
							committed.incrementAndGet();
						}
						catch (AppendConditionFailedException lost) {
							// another racer won this round
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> racer : racers) {
					racer.get(30, TimeUnit.SECONDS);
				}
				assertThat(committed.get()).as("commits in round %d", round).isEqualTo(1);
				assertThat(this.store.read(boundary).events()).as("events of round %d", round).hasSize(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private List<Long> positions(EventQuery query) {
		return this.store.read(query).events().stream().map(StoredEvent::position).toList();
	}

}
