package dev.eventstore.processor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

import dev.eventstore.EventStore;
import dev.eventstore.FsyncPolicy;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Processors split into segments on one store: every event handled once, each stream in
 * version order, segments in parallel; the documented hash; a reset that resets the
 * handler once; two instances (sharing checkpoints and an ownership medium) balancing the
 * segments and taking over a stopped one's.
 */
class ProcessorSegmentsTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	@RegisterExtension
	final OpenResources open = new OpenResources();

	private EventStore fileStore() {
		return this.open
			.keep(EventStore.builder().persistPath(this.dir.resolve("events.ndjson")).fsync(FsyncPolicy.NEVER).build());
	}

	/** 10,000 events over 500 streams, in random stream order. */
	private static void appendRandomly(EventStore store, long seed) {
		Random random = new Random(seed);
		for (int i = 0; i < 10_000; i++) {
			store.append("stream-" + random.nextInt(500), NewEvent.of("Happened", Map.of("i", i)));
		}
	}

	/** Records each stream's handled versions and the threads that handled them. */
	static final class StreamOrder implements EventHandler {

		final Map<String, List<Long>> versions = new ConcurrentHashMap<>();

		final Map<Long, AtomicInteger> times = new ConcurrentHashMap<>();

		final Map<String, String> threads = new ConcurrentHashMap<>();

		final AtomicInteger concurrent = new AtomicInteger();

		final AtomicInteger mostConcurrent = new AtomicInteger();

		final List<Long> resets = new CopyOnWriteArrayList<>();

		private final int maxDelayMicros;

		StreamOrder(int maxDelayMicros) {
			this.maxDelayMicros = maxDelayMicros;
		}

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			int now = this.concurrent.incrementAndGet();
			this.mostConcurrent.accumulateAndGet(now, Math::max);
			this.versions.computeIfAbsent(event.streamId(), (s) -> new CopyOnWriteArrayList<>()).add(event.version());
			this.times.computeIfAbsent(event.position(), (p) -> new AtomicInteger()).incrementAndGet();
			this.threads.merge(event.streamId(), Thread.currentThread().getName(),
					(a, b) -> a.equals(b) ? a : a + "," + b);
			if (this.maxDelayMicros > 0) {
				LockSupport.parkNanos(1_000L * ThreadLocalRandom.current().nextInt(this.maxDelayMicros));
			}
			this.concurrent.decrementAndGet();
		}

		@Override
		public void reset(long fromPosition) {
			this.resets.add(fromPosition);
			this.versions.clear();
			this.times.clear();
		}

		void handledEachOnceInStreamOrder(EventStore store, long events) {
			assertThat(this.times).hasSize((int) events);
			assertThat(this.times.values()).allSatisfy((n) -> assertThat(n.get()).isEqualTo(1));
			Map<String, Long> lastVersions = new HashMap<>();
			store.readAll(1, (int) events).forEach((e) -> lastVersions.merge(e.streamId(), e.version(), Math::max));
			assertThat(this.versions.keySet()).isEqualTo(lastVersions.keySet());
			this.versions.forEach((stream, handled) -> {
				List<Long> expected = new ArrayList<>();
				for (long v = 1; v <= lastVersions.get(stream); v++) {
					expected.add(v);
				}
				assertThat(handled).as("versions of %s", stream).isEqualTo(expected);
			});
		}

	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 8 })
	void everyEventIsHandledOnceAndEachStreamInVersionOrder(int segments) {
		EventStore store = fileStore();
		appendRandomly(store, segments);
		StreamOrder handler = new StreamOrder(50);
		Processor processor = this.open.keep(Processor.builder("segmented", store, handler)
			.segments(segments)
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.build()
			.start());
		// Some appended while it runs.
		for (int i = 0; i < 500; i++) {
			store.append("stream-" + (i % 500), NewEvent.of("Live", Map.of()));
		}
		assertThat(processor.awaitHandled(10_500, WAIT)).isTrue();
		handler.handledEachOnceInStreamOrder(store, 10_500);
		// One stream, one segment's thread.
		assertThat(handler.threads.values()).allSatisfy((t) -> assertThat(t).doesNotContain(","));
		ProcessorStatus status = processor.status();
		assertThat(status.segments()).hasSize(segments);
		assertThat(status.segments()).extracting(SegmentStatus::segment)
			.containsExactlyElementsOf(IntStream.range(0, segments).boxed().toList());
		assertThat(status.checkpoint()).isEqualTo(10_500);
		if (segments > 1) {
			assertThat(handler.mostConcurrent.get()).isGreaterThan(1);
		}
	}

	@Test
	void aRestartResumesEachSegmentFromItsOwnCheckpointAndHandlesNothingTwice() {
		EventStore store = fileStore();
		appendRandomly(store, 42);
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		StreamOrder handler = new StreamOrder(0);
		try (Processor first = Processor.builder("segmented", store, handler)
			.segments(4)
			.checkpoints(checkpoints)
			.build()
			.start()) {
			assertThat(first.awaitHandled(10_000, WAIT)).isTrue();
		}
		for (int s = 0; s < 4; s++) {
			assertThat(checkpoints.load("segmented.segment-" + s + "-of-4")).contains(new Checkpoint(10_000, 0));
		}
		for (int i = 0; i < 1_000; i++) {
			store.append("stream-" + (i % 500), NewEvent.of("After", Map.of()));
		}
		Processor second = this.open
			.keep(Processor.builder("segmented", store, handler).segments(4).checkpoints(checkpoints).build().start());
		assertThat(second.awaitHandled(11_000, WAIT)).isTrue();
		handler.handledEachOnceInStreamOrder(store, 11_000);
	}

	@Test
	void aProcessorSplitIntoSegmentsAfterItRanAsOneGoesOnFromItsCheckpoint() {
		EventStore store = fileStore();
		appendRandomly(store, 5);
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		StreamOrder handler = new StreamOrder(0);
		try (Processor whole = Processor.builder("split", store, handler).checkpoints(checkpoints).build().start()) {
			assertThat(whole.awaitHandled(10_000, WAIT)).isTrue();
		}
		for (int i = 0; i < 100; i++) {
			store.append("stream-" + i, NewEvent.of("After", Map.of()));
		}
		Processor split = this.open
			.keep(Processor.builder("split", store, handler).segments(3).checkpoints(checkpoints).build().start());
		assertThat(split.awaitHandled(10_100, WAIT)).isTrue();
		// Nothing before the split was delivered again.
		handler.handledEachOnceInStreamOrder(store, 10_100);
	}

	@Test
	void theSegmentOfAStreamIsItsIdsCrc32cModuloTheCount() {
		// Pinned: checkpoints and parked events on disk depend on these never changing.
		CRC32C crc = new CRC32C();
		crc.update("order-1".getBytes(StandardCharsets.UTF_8));
		assertThat(crc.getValue()).isEqualTo(0x4DE1886CL);
		assertThat(ProcessorSegments.of("order-1", 8)).isEqualTo((int) (0x4DE1886CL % 8));
		assertThat(ProcessorSegments.of("order-1", 1)).isZero();
		assertThat(ProcessorSegments.of("order-1", 7)).isEqualTo((int) (0x4DE1886CL % 7));
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessorSegments.of("order-1", 0))
			.withMessageContaining("1 to 256 segments, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Processor.builder("p", EventStore.inMemory(), new RecordingHandler()).segments(257))
			.withMessageContaining("was 257");
	}

	@Test
	void aResetOfASegmentedProcessorResetsTheHandlerOnceAndDeliversEverythingAgainInOrder() {
		EventStore store = fileStore();
		appendRandomly(store, 7);
		StreamOrder handler = new StreamOrder(0);
		Processor processor = this.open.keep(Processor.builder("segmented", store, handler)
			.segments(3)
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.build()
			.start());
		assertThat(processor.awaitHandled(10_000, WAIT)).isTrue();
		processor.reset(1);
		assertThat(handler.resets).containsExactly(1L);
		assertThat(processor.awaitHandled(10_000, WAIT)).isTrue();
		// The handler's reset cleared its records with every segment waiting, so what
		// came after it is the whole log once more.
		handler.handledEachOnceInStreamOrder(store, 10_000);
	}

	/**
	 * One segment was taken over by another instance, which moved its checkpoint, before
	 * this instance noticed: a reset here is refused whole. The handler is not reset (the
	 * other instance would not replay that segment into it) and no segment's checkpoint
	 * moves.
	 */
	@Test
	void aResetWhileAnotherInstanceHoldsOneSegmentsCheckpointResetsNothing() {
		EventStore store = fileStore();
		appendRandomly(store, 11);
		StreamOrder handler = new StreamOrder(0);
		CheckpointStore checkpoints = CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"));
		Processor processor = this.open
			.keep(Processor.builder("segmented", store, handler).segments(3).checkpoints(checkpoints).build().start());
		assertThat(processor.awaitHandled(10_000, WAIT)).isTrue();
		List<String> keys = List.of("segmented.segment-0-of-3", "segmented.segment-1-of-3", "segmented.segment-2-of-3");
		await().atMost(WAIT)
			.until(() -> keys.stream()
				.allMatch((key) -> checkpoints.load(key).map(Checkpoint::position).orElse(0L) == 10_000));
		Checkpoint moved = new Checkpoint(7_000, 0);
		checkpoints.save(keys.get(2), checkpoints.load(keys.get(2)).orElseThrow(), moved);
		assertThatIllegalStateException().isThrownBy(() -> processor.reset(1))
			.withMessageContaining("another instance moved it");
		assertThat(handler.resets).isEmpty();
		assertThat(checkpoints.load(keys.get(0)).orElseThrow().position()).isEqualTo(10_000);
		assertThat(checkpoints.load(keys.get(1)).orElseThrow().position()).isEqualTo(10_000);
		// This instance, the only one here, takes segment 2 back and goes on from where
		// the other left it: not from a reset.
		assertThat(checkpoints.load(keys.get(2)).orElseThrow().position()).isGreaterThanOrEqualTo(moved.position());
	}

	@Test
	void pauseAndResumeActOnEverySegment() {
		EventStore store = EventStore.inMemory();
		this.open.keep(store);
		RecordingHandler handler = new RecordingHandler();
		Processor processor = this.open
			.keep(Processor.builder("segmented", store, handler).segments(4).build().start());
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.RUNNING);
		processor.pause();
		await().atMost(WAIT)
			.until(() -> processor.status().segments().stream().allMatch((s) -> s.state() == ProcessorState.PAUSED));
		assertThat(processor.status().state()).isEqualTo(ProcessorState.PAUSED);
		for (int i = 0; i < 40; i++) {
			store.append("s-" + i, NewEvent.of("Happened", Map.of()));
		}
		assertThat(processor.awaitHandled(1, Duration.ofMillis(300))).isFalse();
		processor.resume();
		assertThat(processor.awaitHandled(40, WAIT)).isTrue();
		assertThat(handler.positions).hasSize(40);
	}

	@Test
	void twoInstancesBalanceTheSegmentsAndTheSurvivorTakesOverTheOthers() {
		EventStore store = this.open.keep(EventStore.inMemory());
		appendRandomly(store, 3);
		SharedMedium medium = new SharedMedium();
		CheckpointStore checkpoints = CheckpointStore.inMemory();
		StreamOrder handler = new StreamOrder(200);
		Processor first = instance(store, medium, checkpoints, handler, "first");
		await().atMost(WAIT).until(() -> owned(first, "first") == 8);
		Processor second = instance(store, medium, checkpoints, handler, "second");
		// Each runs at most ceil(8 / 2) once both are up.
		await().atMost(WAIT).until(() -> owned(first, "first") == 4 && owned(second, "second") == 4);
		// Where another instance runs a segment, its owner shows after the next check.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(first.status().segments()).extracting(SegmentStatus::owner)
				.containsOnly("first", "second"));
		first.close();
		await().atMost(WAIT).until(() -> owned(second, "second") == 8);
		assertThat(second.awaitHandled(10_000, WAIT)).isTrue();
		// At-least-once across the hand-overs, and every stream's first copies in order.
		assertThat(handler.times).hasSize(10_000);
		handler.versions.forEach(
				(stream, versions) -> assertThat(versions.stream().distinct().toList()).as("first copies of %s", stream)
					.isSorted());
	}

	private Processor instance(EventStore store, SharedMedium medium, CheckpointStore checkpoints, EventHandler handler,
			String name) {
		return this.open.keep(Processor.builder("balanced", store, handler)
			.segments(8)
			.checkpoints(checkpoints)
			.ownership(medium.instance(name))
			.ownershipCheck(Duration.ofMillis(100))
			.build()
			.start());
	}

	private static long owned(Processor processor, String instance) {
		return processor.status()
			.segments()
			.stream()
			.filter((s) -> instance.equals(s.owner()) && s.state() != ProcessorState.NOT_OWNER)
			.count();
	}

	/** Locks and members in one map, as PostgreSQL's advisory locks are for instances. */
	static final class SharedMedium {

		final Map<String, String> locks = new ConcurrentHashMap<>();

		final Map<String, Boolean> members = new ConcurrentHashMap<>();

		ProcessorOwnership instance(String name) {
			return new ProcessorOwnership() {

				@Override
				public boolean tryAcquire(String processor) {
					return name.equals(SharedMedium.this.locks.computeIfAbsent(processor, (p) -> name));
				}

				@Override
				public boolean isHeld(String processor) {
					return name.equals(SharedMedium.this.locks.get(processor));
				}

				@Override
				public void release(String processor) {
					SharedMedium.this.locks.remove(processor, name);
				}

				@Override
				public String instance() {
					return name;
				}

				@Override
				public void join(String processor) {
					SharedMedium.this.members.put(processor + "/" + name, true);
				}

				@Override
				public void leave(String processor) {
					SharedMedium.this.members.remove(processor + "/" + name);
				}

				@Override
				public int instances(String processor) {
					return (int) SharedMedium.this.members.keySet()
						.stream()
						.filter((k) -> k.startsWith(processor + "/"))
						.count();
				}

				@Override
				public String ownerOf(String key) {
					return SharedMedium.this.locks.get(key);
				}

			};
		}

	}

	@Test
	void aProcessorThatParksNeedsACheckpointStoreThatKeepsParkedEvents() {
		CheckpointStore plain = new CheckpointStore() {

			@Override
			public Optional<Checkpoint> load(String processor) {
				return Optional.empty();
			}

			@Override
			public void save(String processor, Checkpoint expected, Checkpoint next) {
			}

			@Override
			public String toString() {
				return "a plain store";
			}

		};
		assertThatIllegalStateException()
			.isThrownBy(() -> Processor.builder("parking", EventStore.inMemory(), new RecordingHandler())
				.checkpoints(plain)
				.whenRetriesExhausted(RetriesExhausted.PARK)
				.build())
			.withMessageContaining("a plain store keeps no parked events");
	}

}
