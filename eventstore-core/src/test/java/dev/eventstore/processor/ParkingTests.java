package dev.eventstore.processor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Parking instead of stopping: a poison event is set aside with the later events of its
 * stream while the other streams go on; the parked events survive a restart; an
 * operator's retry (once the cause is fixed) or discard lets the held events follow in
 * order.
 */
class ParkingTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	@RegisterExtension
	final OpenResources open = new OpenResources();

	/** The store of {@link #jammedAndFixed}. */
	private EventStore jammed;

	private Path journal() {
		return this.dir.resolve("events.ndjson");
	}

	/**
	 * Fails every event of the poisoned streams' "Poison" type while they are poisoned.
	 */
	static final class PoisonableHandler implements EventHandler {

		final Set<String> poisoned = ConcurrentHashMap.newKeySet();

		final Map<String, List<Long>> handled = new ConcurrentHashMap<>();

		final List<Long> positions = new CopyOnWriteArrayList<>();

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			if (event.type().equals("Poison") && this.poisoned.contains(event.streamId())) {
				throw new IllegalStateException("cannot handle " + event.streamId() + " v" + event.version());
			}
			this.handled.computeIfAbsent(event.streamId(), (s) -> new CopyOnWriteArrayList<>()).add(event.version());
			this.positions.add(event.position());
		}

	}

	private Processor processor(EventStore store, EventHandler handler, int segments) {
		return Processor.builder("parking", store, handler)
			.segments(segments)
			.checkpoints(CheckpointStore.besideJournal(journal()))
			.retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.build();
	}

	/** Streams a to e, 4 events each; b's second is the poison. Returns b's positions. */
	private static List<Long> appendWithPoisonInB(EventStore store) {
		List<Long> b = new ArrayList<>();
		for (int v = 1; v <= 4; v++) {
			for (String stream : List.of("a", "b", "c", "d", "e")) {
				String type = (stream.equals("b") && v == 2) ? "Poison" : "Fine";
				long position = store.append(stream, NewEvent.of(type, Map.of("v", v))).position();
				if (stream.equals("b")) {
					b.add(position);
				}
			}
		}
		return b;
	}

	@Test
	void aPoisonEventIsParkedWithItsStreamsLaterEventsAndOtherStreamsComplete() {
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		List<Long> b = appendWithPoisonInB(store);
		PoisonableHandler handler = new PoisonableHandler();
		handler.poisoned.add("b");
		Processor processor = this.open.keep(processor(store, handler, 2).start());
		assertThat(processor.awaitHandled(20, WAIT)).isTrue();
		assertThat(handler.handled).containsOnlyKeys("a", "b", "c", "d", "e");
		for (String stream : List.of("a", "c", "d", "e")) {
			assertThat(handler.handled.get(stream)).containsExactly(1L, 2L, 3L, 4L);
		}
		assertThat(handler.handled.get("b")).containsExactly(1L);
		List<ParkedEvent> parked = processor.parked();
		assertThat(parked).extracting(ParkedEvent::position).containsExactly(b.get(1), b.get(2), b.get(3));
		assertThat(parked.get(0).attempts()).isEqualTo(2);
		assertThat(parked.get(0).error()).contains("IllegalStateException: cannot handle b v2");
		assertThat(parked.get(0).type()).isEqualTo("Poison");
		assertThat(parked.get(1).attempts()).isZero();
		assertThat(parked.get(1).error()).isEqualTo("held behind position " + b.get(1));
		ProcessorStatus status = processor.status();
		assertThat(status.state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(status.parked()).isEqualTo(3);
		assertThat(status.checkpoint()).isEqualTo(20);
		// A later event of the parked stream is held too, however late it comes.
		long late = store.append("b", NewEvent.of("Fine", Map.of())).position();
		assertThat(processor.awaitHandled(late, WAIT)).isTrue();
		assertThat(processor.parked()).extracting(ParkedEvent::position).contains(late);
		assertThat(handler.handled.get("b")).containsExactly(1L);
	}

	@Test
	void parkedEventsSurviveARestartAndARetryAfterTheFixLetsTheHeldEventsFollowInOrder() {
		List<Long> b;
		PoisonableHandler handler = new PoisonableHandler();
		handler.poisoned.add("b");
		try (EventStore store = EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build();
				Processor processor = processor(store, handler, 3).start()) {
			b = appendWithPoisonInB(store);
			assertThat(processor.awaitHandled(20, WAIT)).isTrue();
			assertThat(processor.parked()).hasSize(3);
		}
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		PoisonableHandler restarted = new PoisonableHandler();
		restarted.poisoned.add("b");
		Processor processor = this.open.keep(processor(store, restarted, 3).start());
		await().atMost(WAIT).until(() -> processor.status().parked() == 3);
		assertThat(processor.parked()).extracting(ParkedEvent::position).containsExactly(b.get(1), b.get(2), b.get(3));
		assertThat(processor.parked().get(0).attempts()).isEqualTo(2);
		// Nothing was delivered again: the parked events stay parked across the restart.
		assertThat(restarted.positions).isEmpty();

		// Held behind the first: refused, naming it.
		assertThatIllegalStateException().isThrownBy(() -> processor.retryParked(b.get(2)))
			.withMessageContaining("waits behind position " + b.get(1));
		// Still poisoned: stays parked with one more attempt.
		assertThatIllegalStateException().isThrownBy(() -> processor.retryParked(b.get(1)))
			.withMessageContaining("failed again and stays parked");
		assertThat(processor.parked().get(0).attempts()).isEqualTo(3);

		restarted.poisoned.clear();
		processor.retryParked(b.get(1));
		assertThat(processor.parked()).isEmpty();
		assertThat(restarted.handled.get("b")).containsExactly(2L, 3L, 4L);
		assertThat(restarted.positions).containsExactly(b.get(1), b.get(2), b.get(3));
		assertThat(processor.status().parked()).isZero();
		// And it stays done after another restart.
		assertThat(Files
			.exists(this.dir.resolve("events.ndjson.parking.segment-" + ProcessorSegments.of("b", 3) + "-of-3.parked")))
			.isFalse();
	}

	@Test
	void aRetryLetsThousandsOfHeldEventsFollowInOrderUntilOneFailsAndARestartSeesWhatIsLeft() {
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		for (int v = 1; v <= 3_000; v++) {
			store.append("b", NewEvent.of("Fine", Map.of("v", v)));
		}
		Set<Long> broken = ConcurrentHashMap.newKeySet();
		broken.add(1L);
		List<Long> handled = new CopyOnWriteArrayList<>();
		EventHandler handler = (event, delivery) -> {
			if (broken.contains(event.version())) {
				throw new IllegalStateException("still broken at v" + event.version());
			}
			handled.add(event.version());
		};
		try (Processor processor = processor(store, handler, 1).start()) {
			assertThat(processor.awaitHandled(3_000, WAIT)).isTrue();
			assertThat(processor.status().parked()).isEqualTo(3_000);

			// The first is fixed; the 2,600th, held behind it, is not: the 2,598 before
			// it follow (unparked in more than one write), it stays parked with those
			// after it.
			broken.clear();
			broken.add(2_600L);
			processor.retryParked(1);
			assertThat(handled).containsExactlyElementsOf(LongStream.rangeClosed(1, 2_599).boxed().toList());
			List<ParkedEvent> left = processor.parked();
			assertThat(left).extracting(ParkedEvent::position)
				.containsExactlyElementsOf(LongStream.rangeClosed(2_600, 3_000).boxed().toList());
			assertThat(left.get(0).attempts()).isEqualTo(1);
			assertThat(left.get(0).error()).contains("still broken at v2600");
		}
		try (Processor processor = processor(store, handler, 1).start()) {
			assertThat(processor.parked()).as("after a restart")
				.extracting(ParkedEvent::position)
				.containsExactlyElementsOf(LongStream.rangeClosed(2_600, 3_000).boxed().toList());
		}
	}

	/** Sends each event somewhere that acknowledges at the flush; can fail a flush. */
	static final class PipelinedHandler implements PipelinedEventHandler {

		final Set<Long> broken = ConcurrentHashMap.newKeySet();

		final List<Long> sent = new CopyOnWriteArrayList<>();

		final AtomicInteger flushes = new AtomicInteger();

		/** The flush to fail, counting from 1; 0 for none. */
		volatile int failingFlush;

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			if (this.broken.contains(event.version())) {
				throw new IllegalStateException("still broken at v" + event.version());
			}
			this.sent.add(event.version());
		}

		@Override
		public void flush() {
			if (this.flushes.incrementAndGet() == this.failingFlush) {
				throw new IllegalStateException("the broker went away");
			}
		}

	}

	/**
	 * A processor of 2,500 events of one stream whose first failed: parked, the others
	 * held behind it; the handler fixed since, its flushes counted from 0.
	 */
	private Processor jammedAndFixed(PipelinedHandler handler) {
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		this.jammed = store;
		for (int v = 1; v <= 2_500; v++) {
			store.append("b", NewEvent.of("Fine", Map.of("v", v)));
		}
		handler.broken.add(1L);
		Processor processor = this.open.keep(processor(store, handler, 1).start());
		assertThat(processor.awaitHandled(2_500, WAIT)).isTrue();
		assertThat(processor.status().parked()).isEqualTo(2_500);
		handler.broken.clear();
		handler.flushes.set(0);
		return processor;
	}

	@Test
	void aRetryFlushesAPipelinedHandlerOnceForAThousandHeldEventsNotOnceEach() {
		PipelinedHandler handler = new PipelinedHandler();
		Processor processor = jammedAndFixed(handler);

		processor.retryParked(1);
		assertThat(processor.parked()).isEmpty();
		assertThat(handler.sent).containsExactlyElementsOf(LongStream.rangeClosed(1, 2_500).boxed().toList());
		assertThat(handler.flushes.get()).as("the retried event, then each thousand held").isEqualTo(4);
	}

	@Test
	void aFailedFlushOfHeldEventsUnparksNoneOfThemAndTheFirstRecordsTheFailure() {
		PipelinedHandler handler = new PipelinedHandler();
		Processor processor = jammedAndFixed(handler);
		handler.failingFlush = 2;

		processor.retryParked(1);
		List<ParkedEvent> left = processor.parked();
		assertThat(left).extracting(ParkedEvent::position)
			.containsExactlyElementsOf(LongStream.rangeClosed(2, 2_500).boxed().toList());
		assertThat(left.get(0).attempts()).isEqualTo(1);
		assertThat(left.get(0).error()).contains("the broker went away");
		assertThat(left.get(1).attempts()).isZero();
		processor.close();
		try (Processor restarted = processor(this.jammed, new PipelinedHandler(), 1).start()) {
			assertThat(restarted.parked()).as("after a restart").hasSize(2_499);
		}
	}

	@Test
	void aHugeErrorIsKeptCutShortWithTheParkedEventAndReadBackAfterARestart() {
		String huge = "upstream said: " + "x".repeat(5_000_000);
		try (EventStore store = EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build();
				Processor processor = Processor.builder("parking", store, (event, delivery) -> {
					throw new IllegalStateException(huge);
				})
					.checkpoints(CheckpointStore.besideJournal(journal()))
					.retry(RetryPolicy.none())
					.whenRetriesExhausted(RetriesExhausted.PARK)
					.build()
					.start()) {
			store.append("a", NewEvent.of("Fine", Map.of("v", 1)));
			assertThat(processor.awaitHandled(1, WAIT)).isTrue();
		}
		try (EventStore store = EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build();
				Processor processor = Processor.builder("parking", store, new PoisonableHandler())
					.checkpoints(CheckpointStore.besideJournal(journal()))
					.whenRetriesExhausted(RetriesExhausted.PARK)
					.build()
					.start()) {
			assertThat(processor.parked()).singleElement()
				.extracting(ParkedEvent::error)
				.asString()
				.startsWith("java.lang.IllegalStateException: upstream said: xxx")
				.endsWith("(" + ("java.lang.IllegalStateException: " + huge).length() + " characters)")
				.hasSizeLessThan(1_100);
		}
	}

	@Test
	void aDiscardDropsTheFirstParkedEventOnceAndTheHeldOnesFollow() {
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		List<Long> b = appendWithPoisonInB(store);
		PoisonableHandler handler = new PoisonableHandler();
		handler.poisoned.add("b");
		List<ParkedEvent> discarded = new CopyOnWriteArrayList<>();
		Processor processor = this.open.keep(Processor.builder("parking", store, handler)
			.checkpoints(CheckpointStore.besideJournal(journal()))
			.retry(RetryPolicy.none())
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.observer(new ProcessorObserver() {
				@Override
				public void discarded(String processor, ParkedEvent event) {
					discarded.add(event);
				}
			})
			.build()
			.start());
		assertThat(processor.awaitHandled(20, WAIT)).isTrue();
		processor.discardParked(b.get(1));
		assertThat(discarded).extracting(ParkedEvent::position).containsExactly(b.get(1));
		assertThat(processor.parked()).isEmpty();
		assertThat(handler.handled.get("b")).containsExactly(1L, 3L, 4L);
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> processor.discardParked(b.get(1)))
			.withMessageContaining("No event is parked at position " + b.get(1));
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> processor.retryParked(999))
			.withMessageContaining("No event is parked at position 999");
	}

	@Test
	void aHeldEventThatFailsAfterTheRetryBecomesTheFirstParkedOneOfItsStream() {
		EventStore store = this.open.keep(EventStore.inMemory());
		PoisonableHandler handler = new PoisonableHandler();
		handler.poisoned.add("b");
		store.append("b", NewEvent.of("Poison", Map.of()));
		store.append("b", NewEvent.of("Fine", Map.of()));
		store.append("b", NewEvent.of("Poison", Map.of()));
		store.append("b", NewEvent.of("Fine", Map.of()));
		Processor processor = this.open.keep(Processor.builder("parking", store, handler)
			.retry(RetryPolicy.none())
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.build()
			.start());
		assertThat(processor.awaitHandled(4, WAIT)).isTrue();
		assertThat(processor.parked()).extracting(ParkedEvent::position).containsExactly(1L, 2L, 3L, 4L);
		// Discarding the first lets the second follow; the third is poison too, so it
		// fails when handed over and heads the rest.
		processor.discardParked(1);
		assertThat(handler.handled.get("b")).containsExactly(2L);
		assertThat(processor.parked()).extracting(ParkedEvent::position).containsExactly(3L, 4L);
		assertThat(processor.parked().get(0).attempts()).isEqualTo(1);
		assertThat(processor.parked().get(0).error()).contains("cannot handle b v3");
		handler.poisoned.clear();
		processor.retryParked(3);
		assertThat(processor.parked()).isEmpty();
		assertThat(handler.handled.get("b")).containsExactly(2L, 3L, 4L);
	}

	@Test
	void aResetDropsTheParkedEventsItDeliversAgain() {
		EventStore store = this.open.keep(EventStore.inMemory());
		PoisonableHandler handler = new PoisonableHandler();
		handler.poisoned.add("b");
		store.append("b", NewEvent.of("Poison", Map.of()));
		store.append("b", NewEvent.of("Fine", Map.of()));
		Processor processor = this.open.keep(Processor.builder("parking", store, handler)
			.retry(RetryPolicy.none())
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.build()
			.start());
		assertThat(processor.awaitHandled(2, WAIT)).isTrue();
		assertThat(processor.parked()).hasSize(2);
		handler.poisoned.clear();
		processor.reset(1);
		assertThat(processor.awaitHandled(2, WAIT)).isTrue();
		assertThat(processor.parked()).isEmpty();
		assertThat(handler.handled.get("b")).containsExactly(1L, 2L);
	}

	@Test
	void aDamagedParkedFileFailsTheSegmentNamingTheFileAndDeliversNothing() throws Exception {
		Path parkedFile = this.dir.resolve("events.ndjson.parking.parked");
		try (EventStore store = EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build()) {
			store.append("b", NewEvent.of("Fine", Map.of()));
		}
		Files.writeString(parkedFile, "{\"position\":1,\"streamId\":\"b\"}\n", StandardCharsets.UTF_8);
		EventStore store = this.open.keep(EventStore.builder().persistPath(journal()).fsync(FsyncPolicy.NEVER).build());
		PoisonableHandler handler = new PoisonableHandler();
		Processor processor = this.open.keep(processor(store, handler, 1).start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().failure().error()).contains(parkedFile.toString()).contains("damaged at line 1");
		assertThat(handler.positions).isEmpty();
	}

}
