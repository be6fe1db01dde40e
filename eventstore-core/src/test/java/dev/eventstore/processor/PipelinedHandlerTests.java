package dev.eventstore.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A pipelined handler's work completes after it returns: the processor saves no
 * checkpoint past work that was not flushed, goes back to its checkpoint when a flush
 * fails, and fails there when the tries are used up.
 */
class PipelinedHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final OpenResources open = new OpenResources();

	private EventStore store(int events) {
		EventStore store = EventStore.inMemory();
		this.open.keep(store);
		for (int i = 0; i < events; i++) {
			store.append("s-" + (i % 5), NewEvent.of("Happened", Map.of("i", i)));
		}
		return store;
	}

	private Processor start(Processor.Builder builder) {
		Processor processor = builder.build().start();
		this.open.keep(processor);
		return processor;
	}

	@Test
	void noCheckpointIsSavedPastWorkThatWasNotFlushed() {
		EventStore store = store(1_000);
		Pipeline handler = new Pipeline();
		CheckedCheckpoints checkpoints = new CheckedCheckpoints(handler);
		Processor processor = start(Processor.builder("pipelined", store, handler)
			.checkpoints(checkpoints)
			.checkpointEvery(10, Duration.ofMillis(50))
			.pageSize(64));
		await().atMost(WAIT).until(() -> checkpoints.last() == 1_000);
		processor.close();
		// Every save is asked for after a flush (at least one every 10 events); saves
		// asked for while one runs coalesce, so how many reach the store depends on
		// timing.
		assertThat(handler.flushes.get()).isGreaterThanOrEqualTo(100);
		assertThat(checkpoints.saves).hasSizeGreaterThanOrEqualTo(2);
		assertThat(checkpoints.violations).isEmpty();
		assertThat(handler.completed).containsExactlyElementsOf(range(1, 1_000));
	}

	@Test
	void aFailedFlushDeliversTheEventsAfterTheCheckpointAgainAndGoesOn() {
		EventStore store = store(300);
		Pipeline handler = new Pipeline();
		handler.failFlushes.set(2);
		CheckedCheckpoints checkpoints = new CheckedCheckpoints(handler);
		Processor processor = start(Processor.builder("pipelined", store, handler)
			.checkpoints(checkpoints)
			.checkpointEvery(50, Duration.ofSeconds(1))
			.retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5), 2.0)));
		await().atMost(WAIT).until(() -> checkpoints.last() == 300);
		assertThat(handler.sent).hasSizeGreaterThan(300);
		assertThat(handler.completed).containsExactlyElementsOf(range(1, 300));
		assertThat(checkpoints.violations).isEmpty();
		// The events after the checkpoint, 1 to 50, went out three times: twice lost.
		assertThat(handler.sent.subList(0, 150)).containsExactlyElementsOf(concat(range(1, 50), 3));
		assertThat(processor.status().state()).isEqualTo(ProcessorState.RUNNING);
		assertThat(processor.status().lastError()).contains("broker went away");
	}

	@Test
	void flushesFailingPastTheRetryPolicyFailTheProcessorAtTheFirstUnconfirmedEvent() {
		EventStore store = store(120);
		Pipeline handler = new Pipeline();
		handler.failFlushes.set(1_000);
		CheckedCheckpoints checkpoints = new CheckedCheckpoints(handler);
		Processor processor = start(Processor.builder("pipelined", store, handler)
			.checkpoints(checkpoints)
			.checkpointEvery(50, Duration.ofSeconds(1))
			.retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0)));
		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		ProcessorStatus status = processor.status();
		assertThat(status.failure()).isNotNull();
		assertThat(status.failure().position()).isEqualTo(1);
		assertThat(status.failure().streamId()).isEqualTo("s-0");
		assertThat(status.failure().attempts()).isEqualTo(3);
		assertThat(status.failure().error()).contains("broker went away");
		assertThat(status.checkpoint()).isZero();
		assertThat(checkpoints.last()).isZero();
		assertThat(handler.completed).isEmpty();
	}

	@Test
	void aCleanCloseFlushesBeforeItSavesTheLastCheckpoint() {
		EventStore store = store(30);
		Pipeline handler = new Pipeline();
		CheckedCheckpoints checkpoints = new CheckedCheckpoints(handler);
		Processor processor = start(Processor.builder("pipelined", store, handler)
			.checkpoints(checkpoints)
			.checkpointEvery(1_000, Duration.ofHours(1)));
		assertThat(processor.awaitHandled(30, WAIT)).isTrue();
		assertThat(checkpoints.last()).isZero();
		processor.close();
		assertThat(checkpoints.last()).isEqualTo(30);
		assertThat(handler.completed).containsExactlyElementsOf(range(1, 30));
		assertThat(checkpoints.violations).isEmpty();
	}

	@Test
	void aPipelinedHandlerWithTransactionsIsRefused() {
		EventStore store = store(0);
		CheckpointStore transactional = new CheckpointStore() {

			@Override
			public Optional<Checkpoint> load(String processor) {
				return Optional.empty();
			}

			@Override
			public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
			}

			@Override
			public boolean isTransactional() {
				return true;
			}

		};
		assertThatIllegalStateException()
			.isThrownBy(() -> Processor.builder("kafka", store, new Pipeline())
				.checkpoints(transactional)
				.transactions(Runnable::run)
				.build())
			.withMessageContaining("Processor 'kafka'")
			.withMessageContaining("pipelined handler");
	}

	private static List<Long> range(long from, long to) {
		List<Long> all = new ArrayList<>();
		for (long p = from; p <= to; p++) {
			all.add(p);
		}
		return all;
	}

	private static List<Long> concat(List<Long> list, int times) {
		List<Long> all = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			all.addAll(list);
		}
		return all;
	}

	/** Sends in flight until a flush; a failing flush loses them. */
	static final class Pipeline implements PipelinedEventHandler {

		final List<Long> sent = new CopyOnWriteArrayList<>();

		final ConcurrentLinkedQueue<Long> inFlight = new ConcurrentLinkedQueue<>();

		final List<Long> completed = new CopyOnWriteArrayList<>();

		final AtomicInteger failFlushes = new AtomicInteger();

		final AtomicInteger flushes = new AtomicInteger();

		@Override
		public void handle(StoredEvent event, Delivery delivery) {
			this.sent.add(event.position());
			this.inFlight.add(event.position());
		}

		@Override
		public void flush() {
			this.flushes.incrementAndGet();
			if (this.failFlushes.getAndDecrement() > 0) {
				this.inFlight.clear();
				throw new IllegalStateException("broker went away");
			}
			for (Long position; (position = this.inFlight.poll()) != null;) {
				if (this.completed.isEmpty() || this.completed.get(this.completed.size() - 1) < position) {
					this.completed.add(position);
				}
			}
		}

	}

	/** Records each save, and any that covers work not completed. */
	static final class CheckedCheckpoints implements CheckpointStore {

		private final InMemoryCheckpointStore delegate = new InMemoryCheckpointStore();

		private final Pipeline handler;

		final List<Long> saves = new CopyOnWriteArrayList<>();

		final List<String> violations = new CopyOnWriteArrayList<>();

		CheckedCheckpoints(Pipeline handler) {
			this.handler = handler;
		}

		long last() {
			return this.saves.isEmpty() ? 0 : this.saves.get(this.saves.size() - 1);
		}

		@Override
		public Optional<Checkpoint> load(String processor) {
			return this.delegate.load(processor);
		}

		@Override
		public void save(String processor, @Nullable Checkpoint expected, Checkpoint next) {
			long done = this.handler.completed.isEmpty() ? 0
					: this.handler.completed.get(this.handler.completed.size() - 1);
			if (next.position() > done) {
				this.violations.add("checkpoint " + next.position() + " past completed " + done);
			}
			this.delegate.save(processor, expected, next);
			this.saves.add(next.position());
		}

	}

}
