package dev.eventstore.processor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import dev.eventstore.Concurrently;
import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class ProcessorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	@RegisterExtension
	final OpenResources open = new OpenResources();

	private EventStore store() {
		return this.open
			.keep(EventStore.builder().persistPath(this.dir.resolve("events.ndjson")).fsync(FsyncPolicy.NEVER).build());
	}

	private Processor.Builder processor(EventStore store, EventHandler handler) {
		return Processor.builder("test", store, handler)
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0));
	}

	private static void append(EventStore store, int count) {
		for (int i = 0; i < count; i++) {
			store.append("s-" + (i % 7), NewEvent.of("Happened", Map.of("i", i)));
		}
	}

	private static List<Long> range(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	@Test
	void deliversStoredThenLiveEventsOnceEachInOrderWhileAppendsRaceTheSwitch() throws Exception {
		EventStore store = store();
		append(store, 1_500);
		RecordingHandler handler = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, handler).pageSize(100).build().start());
		Concurrently.run(4, 250, (thread, i) -> store.append("race-" + thread, NewEvent.of("Raced", Map.of("i", i))));
		assertThat(processor.awaitHandled(2_500, WAIT)).isTrue();
		assertThat(handler.positions).isEqualTo(range(1, 2_500));
		assertThat(handler.deliveries).allSatisfy((d) -> assertThat(d).isEqualTo(new Delivery(false, 1)));
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		assertThat(processor.status().lag()).isZero();
	}

	/**
	 * On a segmented journal whose segments hold a few events each, catch-up, the switch
	 * to live events while segments are sealed, and the restart from a checkpoint.
	 */
	@Test
	void runsOverASegmentedJournalAcrossSegmentsAndResumesAfterItsCheckpoint() throws Exception {
		Path journal = this.dir.resolve("segmented");
		EventStore store = EventStore.builder().persistPath(journal).fsync(FsyncPolicy.NEVER).segmentSize(2048).build();
		append(store, 300);
		RecordingHandler first = new RecordingHandler();
		Processor processor = Processor.builder("segmented", store, first)
			.checkpoints(CheckpointStore.besideJournal(journal))
			.pageSize(50)
			.build()
			.start();
		Concurrently.run(2, 100, (thread, i) -> store.append("live-" + thread, NewEvent.of("Live", Map.of("i", i))));
		assertThat(processor.awaitHandled(500, WAIT)).isTrue();
		processor.close();
		assertThat(first.positions).isEqualTo(range(1, 500));
		append(store, 40);
		RecordingHandler second = new RecordingHandler();
		Processor again = this.open.keep(Processor.builder("segmented", store, second)
			.checkpoints(CheckpointStore.besideJournal(journal))
			.build()
			.start());
		assertThat(again.awaitHandled(540, WAIT)).isTrue();
		assertThat(second.positions).isEqualTo(range(501, 540));
		this.open.keep(store);
		try (Stream<Path> files = Files.list(journal)) {
			assertThat(files.filter((file) -> file.toString().endsWith(".index"))).hasSizeGreaterThan(10);
		}
	}

	@Test
	void liveEventsReachTheHandlerSoonAfterTheAppend() {
		EventStore store = store();
		RecordingHandler handler = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, handler).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		append(store, 1);
		assertThat(processor.awaitHandled(1, WAIT)).isTrue();
		assertThat(handler.positions).containsExactly(1L);
	}

	@Test
	void resumesAfterItsCheckpointWhenStartedAgain() {
		EventStore store = store();
		append(store, 30);
		RecordingHandler first = new RecordingHandler();
		Processor processor = processor(store, first).checkpointEvery(1_000, Duration.ofHours(1)).build().start();
		assertThat(processor.awaitHandled(30, WAIT)).isTrue();
		processor.close();
		assertThat(processor.status().state()).isEqualTo(ProcessorState.STOPPED);
		append(store, 5);
		RecordingHandler second = new RecordingHandler();
		Processor again = this.open.keep(processor(store, second).build().start());
		assertThat(again.awaitHandled(35, WAIT)).isTrue();
		assertThat(first.positions).isEqualTo(range(1, 30));
		assertThat(second.positions).isEqualTo(range(31, 35));
	}

	@Test
	void savesTheCheckpointEverySoManyEventsWhileRunning() {
		EventStore store = store();
		append(store, 25);
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		Processor processor = this.open
			.keep(processor(store, new RecordingHandler()).checkpointEvery(10, Duration.ofHours(1))
				.pageSize(5)
				.build()
				.start());
		assertThat(processor.awaitHandled(25, WAIT)).isTrue();
		// 25 handled: saved at 10 and 20, off the processor's thread; the rest waits for
		// the interval or a clean stop.
		await().atMost(WAIT).until(() -> checkpoints.load("test").orElseThrow().position() == 20);
		processor.close();
		assertThat(checkpoints.load("test")).contains(new Checkpoint(25, 0));
	}

	@Test
	void savesTheCheckpointAfterTheIntervalWhenIdle() {
		EventStore store = store();
		append(store, 3);
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		this.open.keep(
				processor(store, new RecordingHandler()).checkpointEvery(1_000, Duration.ofMillis(50)).build().start());
		await().atMost(WAIT).until(() -> checkpoints.load("test").orElseThrow().position() == 3);
	}

	@Test
	void aFirstRunFromTheEndSkipsHistoryButNoLaterEvent() {
		EventStore store = store();
		append(store, 10);
		RecordingHandler handler = new RecordingHandler();
		Processor processor = processor(store, handler).startFrom(StartPoint.END).build().start();
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		processor.close();
		append(store, 2);
		Processor again = this.open.keep(processor(store, handler).startFrom(StartPoint.END).build().start());
		assertThat(again.awaitHandled(12, WAIT)).isTrue();
		assertThat(handler.positions).containsExactly(11L, 12L);
	}

	@Test
	void retriesAFailingHandlerWithBackoffThenGoesOn() {
		EventStore store = store();
		append(store, 3);
		AtomicInteger calls = new AtomicInteger();
		RecordingHandler recorder = new RecordingHandler();
		EventHandler flaky = (event, delivery) -> {
			if (event.position() == 2 && calls.incrementAndGet() < 3) {
				throw new IllegalStateException("not yet");
			}
			recorder.handle(event, delivery);
		};
		Processor processor = this.open.keep(processor(store, flaky).build().start());
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L);
		assertThat(recorder.deliveries.get(1).attempt()).isEqualTo(3);
		assertThat(processor.status().lastError()).contains("not yet");
	}

	@Test
	void aHandlerThatAlwaysThrowsStopsTheProcessorAtThatEventWithItsCheckpointBefore() {
		EventStore store = store();
		append(store, 5);
		AtomicInteger attempts = new AtomicInteger();
		RecordingHandler recorder = new RecordingHandler();
		EventHandler broken = (event, delivery) -> {
			if (event.position() == 3) {
				attempts.incrementAndGet();
				throw new IllegalArgumentException("cannot handle " + event.position());
			}
			recorder.handle(event, delivery);
		};
		Processor processor = this.open.keep(processor(store, broken).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		ProcessorStatus status = processor.status();
		assertThat(status.checkpoint()).isEqualTo(2);
		assertThat(status.lag()).isEqualTo(3);
		assertThat(status.failure()).isNotNull();
		assertThat(status.failure().position()).isEqualTo(3);
		assertThat(status.failure().streamId()).isEqualTo("s-2");
		assertThat(status.failure().type()).isEqualTo("Happened");
		assertThat(status.failure().attempts()).isEqualTo(3);
		assertThat(status.failure().error()).isEqualTo("java.lang.IllegalArgumentException: cannot handle 3");
		assertThat(attempts).hasValue(3);
		assertThat(recorder.positions).containsExactly(1L, 2L);
		assertThat(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")).load("test"))
			.contains(new Checkpoint(2, 0));
		// It stays stopped at the event, however many events come.
		append(store, 2);
		assertThat(processor.awaitHandled(3, Duration.ofMillis(200))).isFalse();
		assertThat(recorder.positions).containsExactly(1L, 2L);
	}

	@Test
	void resumingAFailedProcessorRetriesTheEventItStoppedAt() {
		EventStore store = store();
		append(store, 4);
		AtomicBoolean broken = new AtomicBoolean(true);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, (event, delivery) -> {
			if (event.position() == 2 && broken.get()) {
				throw new IllegalStateException("down");
			}
			recorder.handle(event, delivery);
		}).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		broken.set(false);
		processor.resume();
		assertThat(processor.awaitHandled(4, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L, 4L);
		assertThat(processor.status().failure()).isNull();
	}

	@Test
	void skippingAFailedProcessorSkipsExactlyTheEventItStoppedAt() {
		EventStore store = store();
		append(store, 4);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, (event, delivery) -> {
			if (event.position() == 2) {
				throw new IllegalStateException("poison");
			}
			recorder.handle(event, delivery);
		}).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		processor.skipFailed();
		assertThat(processor.awaitHandled(4, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 3L, 4L);
	}

	@Test
	void skippingWhenNotFailedIsRefused() {
		EventStore store = store();
		append(store, 2);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, recorder).build().start());
		assertThat(processor.awaitHandled(2, WAIT)).isTrue();
		assertThatIllegalStateException().isThrownBy(processor::skipFailed)
			.withMessageContaining("'test'")
			.withMessageContaining("not failed at an event");
		append(store, 1);
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L);
	}

	@Test
	void resetCallsTheResetHookThenDeliversAgainAsReplays() {
		EventStore store = store();
		append(store, 5);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, recorder).build().start());
		assertThat(processor.awaitHandled(5, WAIT)).isTrue();
		processor.reset(2);
		append(store, 1);
		assertThat(processor.awaitHandled(6, WAIT)).isTrue();
		assertThat(recorder.resets).containsExactly(2L);
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L, 4L, 5L, 2L, 3L, 4L, 5L, 6L);
		assertThat(recorder.deliveries.subList(5, 10)).extracting(Delivery::replay)
			.containsExactly(true, true, true, true, false);
	}

	@Test
	void replaysStayReplaysAcrossARestartInTheMiddleOfThem() {
		EventStore store = store();
		append(store, 10);
		Processor processor = processor(store, new RecordingHandler()).build().start();
		assertThat(processor.awaitHandled(10, WAIT)).isTrue();
		processor.pause();
		processor.reset(1);
		processor.close();
		RecordingHandler recorder = new RecordingHandler();
		Processor again = this.open.keep(processor(store, recorder).build().start());
		assertThat(again.awaitHandled(10, WAIT)).isTrue();
		assertThat(recorder.deliveries).extracting(Delivery::replay).containsOnly(true).hasSize(10);
	}

	@Test
	void resetOutsideTheLogIsRefusedAndChangesNothing() {
		EventStore store = store();
		append(store, 3);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, recorder).build().start());
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> processor.reset(0))
			.withMessage("Cannot reset processor 'test' to position 0: it must be from 1 (the beginning) to 4 "
					+ "(after the last position, 3)");
		assertThatIllegalArgumentException().isThrownBy(() -> processor.reset(-5));
		assertThatIllegalArgumentException().isThrownBy(() -> processor.reset(5));
		assertThat(recorder.resets).isEmpty();
		assertThat(processor.status().checkpoint()).isEqualTo(3);
	}

	@Test
	void aResetTheHandlerRefusesLeavesTheCheckpointWhereItWas() {
		EventStore store = store();
		append(store, 3);
		Processor processor = this.open.keep(processor(store, new EventHandler() {
			@Override
			public void handle(StoredEvent event, Delivery delivery) {
			}

			@Override
			public void reset(long fromPosition) {
				throw new UnsupportedOperationException("read model is read-only");
			}
		}).build().start());
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> processor.reset(1))
			.withMessageContaining("refused the reset")
			.withMessageContaining("read model is read-only");
		assertThat(processor.status().checkpoint()).isEqualTo(3);
	}

	/**
	 * Another instance took the processor over and moved its checkpoint while this one
	 * had not noticed yet: an operator's reset here must neither clear the read model
	 * (the other instance would not replay into it) nor fail with an exception the method
	 * does not declare.
	 */
	@Test
	void aResetAfterAnotherInstanceMovedTheCheckpointIsRefusedBeforeTheHandlerIsReset() {
		EventStore store = store();
		append(store, 5);
		RecordingHandler recorder = new RecordingHandler();
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		Processor processor = this.open.keep(processor(store, recorder).checkpoints(checkpoints).build().start());
		assertThat(processor.awaitHandled(5, WAIT)).isTrue();
		await().atMost(WAIT).until(() -> checkpoints.load("test").map(Checkpoint::position).orElse(0L) == 5);
		Checkpoint moved = new Checkpoint(2, 0);
		checkpoints.save("test", checkpoints.load("test").orElseThrow(), moved);
		assertThatIllegalStateException().isThrownBy(() -> processor.reset(1))
			.withMessageContaining("Processor 'test'")
			.withMessageContaining("another instance moved it");
		assertThat(recorder.resets).isEmpty();
		// No other instance runs here: this one takes the processor back and goes on from
		// where the other left it, not from a reset.
		assertThat(checkpoints.load("test").orElseThrow().position()).isGreaterThanOrEqualTo(moved.position());
		assertThat(recorder.deliveries).noneMatch(Delivery::replay);
	}

	@Test
	void pausingStopsDeliveryUntilResumed() {
		EventStore store = store();
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, recorder).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		processor.pause();
		assertThat(processor.status().state()).isEqualTo(ProcessorState.PAUSED);
		append(store, 3);
		assertThat(processor.awaitHandled(1, Duration.ofMillis(200))).isFalse();
		assertThat(processor.status().lag()).isEqualTo(3);
		processor.resume();
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aBlockedHandlerHoldsUpNeitherAppendsNorItsStatusAndCloseInterruptsIt() throws Exception {
		EventStore store = store();
		CountDownLatch entered = new CountDownLatch(1);
		Processor processor = Processor.builder("blocked", store, (event, delivery) -> {
			entered.countDown();
			Thread.sleep(Long.MAX_VALUE);
		}).stopTimeout(Duration.ofMillis(100)).build().start();
		append(store, 1);
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		append(store, 100);
		assertThat(store.lastPosition()).isEqualTo(101);
		assertThat(processor.status().lag()).isEqualTo(101);
		long start = System.nanoTime();
		processor.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(processor.status().state()).isEqualTo(ProcessorState.STOPPED);
		assertThat(processor.status().checkpoint()).isZero();
	}

	@Test
	void anInstanceThatDoesNotOwnTheProcessorWaitsThenTakesOverFromTheCheckpoint() {
		EventStore store = store();
		append(store, 4);
		CheckpointStore checkpoints = CheckpointStore.inMemory();
		checkpoints.save("test", null, new Checkpoint(2, 0));
		AtomicBoolean free = new AtomicBoolean(false);
		ProcessorOwnership ownership = new ProcessorOwnership() {
			@Override
			public boolean tryAcquire(String processor) {
				return free.get();
			}

			@Override
			public boolean isHeld(String processor) {
				return free.get();
			}

			@Override
			public void release(String processor) {
			}
		};
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(Processor.builder("test", store, recorder)
			.checkpoints(checkpoints)
			.ownership(ownership)
			.ownershipCheck(Duration.ofMillis(20))
			.build()
			.start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.NOT_OWNER);
		assertThat(processor.status().checkpoint()).isEqualTo(2);
		assertThatIllegalStateException().isThrownBy(() -> processor.reset(1))
			.withMessageContaining("runs on another instance");
		// Nothing sent to a standby waits there for its takeover.
		assertThatIllegalStateException().isThrownBy(processor::pause)
			.withMessageContaining("runs on another instance");
		assertThatIllegalStateException().isThrownBy(processor::resume)
			.withMessageContaining("runs on another instance");
		free.set(true);
		assertThat(processor.awaitHandled(4, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(3L, 4L);
		free.set(false);
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.NOT_OWNER);
		append(store, 1);
		assertThat(processor.awaitHandled(5, Duration.ofMillis(200))).isFalse();
	}

	@Test
	void aCheckpointPastTheEndOfTheLogFailsTheProcessorWithoutDeliveringAnything() {
		EventStore store = store();
		append(store, 3);
		CheckpointStore checkpoints = CheckpointStore.inMemory();
		checkpoints.save("test", null, new Checkpoint(9, 0));
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open
			.keep(Processor.builder("test", store, recorder).checkpoints(checkpoints).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().failure().error()).isEqualTo("The checkpoint of processor 'test' is position 9, "
				+ "past the log's last position 3 (was the journal replaced?). Nothing was delivered; "
				+ "reset the processor to choose where it resumes");
		assertThat(processor.status().failure().isEventFailure()).isFalse();
		assertThatIllegalStateException().isThrownBy(processor::skipFailed);
		assertThat(recorder.positions).isEmpty();
		processor.reset(1);
		assertThat(processor.awaitHandled(3, WAIT)).isTrue();
		assertThat(recorder.positions).containsExactly(1L, 2L, 3L);
	}

	@Test
	void aDamagedCheckpointFileFailsTheProcessorNamingTheFile() throws Exception {
		for (String content : List.of("{\"processor\":\"test\",\"position\":1",
				"{\"processor\":\"test\",\"position\":\"x\"}",
				"{\"processor\":\"test\",\"position\":2,\"replayUntil\":0,\"crc32c\":\"00000000\"}\n", "\0\0\0\0")) {
			Path journal = this.dir.resolve("events.ndjson");
			EventStore store = EventStore.open(journal);
			append(store, 3);
			Path file = journal.resolveSibling("events.ndjson.test.checkpoint");
			Files.writeString(file, content);
			RecordingHandler recorder = new RecordingHandler();
			Processor processor = Processor.builder("test", store, recorder)
				.checkpoints(CheckpointStore.besideJournal(journal))
				.build()
				.start();
			await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
			assertThat(processor.status().failure().error()).as(content)
				.startsWith("The checkpoint file " + file + " of processor 'test' is damaged: ")
				.endsWith("Nothing was delivered; reset the processor to choose where it resumes");
			assertThat(recorder.positions).isEmpty();
			processor.reset(2);
			assertThat(processor.awaitHandled(3, WAIT)).isTrue();
			assertThat(recorder.positions).containsExactly(2L, 3L);
			processor.close();
			store.close();
			Files.delete(journal);
		}
	}

	@Test
	void aMissingCheckpointFileStartsFromTheStartPoint() throws Exception {
		EventStore store = store();
		append(store, 2);
		RecordingHandler recorder = new RecordingHandler();
		Processor processor = this.open.keep(processor(store, recorder).build().start());
		assertThat(processor.awaitHandled(2, WAIT)).isTrue();
		assertThat(this.dir.resolve("events.ndjson.test.checkpoint")).exists();
		assertThat(Files.readString(this.dir.resolve("events.ndjson.test.checkpoint")))
			.startsWith("{\"processor\":\"test\",\"position\":");
	}

	@Test
	void processorNamesThatCannotStandInAFileNameAreRefused() {
		EventStore store = this.open.keep(EventStore.inMemory());
		for (String name : List.of("", "../x", "a b", "-x", "x".repeat(101))) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> Processor.builder(name, store, new RecordingHandler()))
				.withMessageContaining("A processor name is 1 to 100 letters");
		}
	}

	@Test
	void startingTwiceIsRefused() {
		Processor processor = this.open
			.keep(Processor.builder("p", this.open.keep(EventStore.inMemory()), new RecordingHandler()).build());
		processor.start();
		assertThatIllegalStateException().isThrownBy(processor::start).withMessageContaining("started before");
	}

	@Test
	void transactionsAndATransactionalCheckpointStoreComeTogether() {
		EventStore store = this.open.keep(EventStore.inMemory());
		assertThatIllegalStateException()
			.isThrownBy(() -> Processor.builder("p", store, new RecordingHandler()).transactions(Runnable::run).build())
			.withMessageContaining("transactional checkpoint store");
	}

	@Test
	void badSettingsAreRefusedNamingTheSetting() {
		Processor.Builder builder = Processor.builder("p", this.open.keep(EventStore.inMemory()),
				new RecordingHandler());
		assertThatIllegalArgumentException().isThrownBy(() -> builder.checkpointEvery(0, Duration.ofSeconds(1)))
			.withMessageContaining("checkpoint every");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.checkpointEvery(1, Duration.ZERO))
			.withMessageContaining("checkpoint interval");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.pageSize(0)).withMessageContaining("page size");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1))
			.withMessageContaining("maxAttempts");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
			.withMessageContaining("maxDelay");
	}

	@Test
	void retryDelaysGrowUpToTheirMaximum() {
		RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(500), 2.0);
		assertThat(List.of(1, 2, 3, 4, 5)).map(policy::delayAfter)
			.containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
					Duration.ofMillis(500), Duration.ofMillis(500));
	}

}
