package dev.eventstore.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The segments of a segmented processor share one forwarder, each on its own thread: each
 * segment's flush answers for the records it sent, whatever the other segments' flushes
 * did in between. The broker's answers are given by hand here (a template whose sends
 * complete when the test says), the one way to order them exactly.
 */
class SegmentLanesTests {

	private final ExecutorService segmentOne = Executors.newSingleThreadExecutor();

	private final ExecutorService segmentTwo = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.segmentOne.shutdownNow();
		this.segmentTwo.shutdownNow();
	}

	/** Sends that complete when the test completes them. */
	static final class AnsweredByHand extends KafkaTemplate<String, byte[]> {

		final List<CompletableFuture<SendResult<String, byte[]>>> sends = new CopyOnWriteArrayList<>();

		AnsweredByHand() {
			super(KafkaForwarder.producerFactory(Map.of("bootstrap.servers", "localhost:9")));
		}

		@Override
		public CompletableFuture<SendResult<String, byte[]>> send(ProducerRecord<String, byte[]> record) {
			CompletableFuture<SendResult<String, byte[]>> send = new CompletableFuture<>();
			this.sends.add(send);
			return send;
		}

		void acknowledge(int send) {
			this.sends.get(send).complete(null);
		}

		void refuse(int send) {
			this.sends.get(send).completeExceptionally(new IllegalStateException("refused by the test"));
		}

	}

	@Test
	void aSegmentsFlushFailsForItsOwnRefusedRecordEvenAfterAnotherSegmentFlushed() throws Exception {
		EventStore store = EventStore.inMemory();
		for (int i = 1; i <= 2; i++) {
			store.append("order-" + i, NewEvent.of("Placed", Map.of("n", i)));
		}
		StoredEvent first = store.readAll(1, 1).get(0);
		StoredEvent second = store.readAll(2, 1).get(0);
		AnsweredByHand template = new AnsweredByHand();
		KafkaForwarder forwarder = new KafkaForwarder(template,
				new KafkaForwarderSettings("lanes", Map.of(), Set.of(), "/tests", Duration.ofSeconds(10)));

		on(this.segmentOne, () -> forwarder.handle(first, new Delivery(false, 1, 0, 2)));
		on(this.segmentTwo, () -> forwarder.handle(second, new Delivery(false, 1, 1, 2)));
		template.acknowledge(0);
		template.refuse(1);
		// Segment one's flush answers for its own record, acknowledged...
		on(this.segmentOne, forwarder::flush);
		// ...and does not take segment two's refusal with it.
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> on(this.segmentTwo, forwarder::flush))
			.withCauseInstanceOf(KafkaForwardingException.class)
			.withMessageContaining("position 2");
		assertThat(forwarder.status().acknowledged()).isEqualTo(0);
	}

	@Test
	void aSegmentsFlushWaitsForItsOwnRecordsOnly() throws Exception {
		EventStore store = EventStore.inMemory();
		for (int i = 1; i <= 2; i++) {
			store.append("order-" + i, NewEvent.of("Placed", Map.of("n", i)));
		}
		AnsweredByHand template = new AnsweredByHand();
		KafkaForwarder forwarder = new KafkaForwarder(template,
				new KafkaForwarderSettings("lanes", Map.of(), Set.of(), "/tests", Duration.ofSeconds(10)));

		on(this.segmentOne, () -> forwarder.handle(store.readAll(1, 1).get(0), new Delivery(false, 1, 0, 2)));
		on(this.segmentTwo, () -> forwarder.handle(store.readAll(2, 1).get(0), new Delivery(false, 1, 1, 2)));
		template.acknowledge(0);

		on(this.segmentOne, forwarder::flush);
		assertThat(forwarder.status().inFlight()).as("segment two's record").isEqualTo(1);
		template.acknowledge(1);
		on(this.segmentTwo, forwarder::flush);
		assertThat(forwarder.status().inFlight()).isZero();
		assertThat(forwarder.status().acknowledged()).as("the least of the segments'").isEqualTo(1);
	}

	private interface Step {

		void run() throws Exception;

	}

	private static void on(ExecutorService segment, Step step) throws Exception {
		segment.submit(() -> {
			step.run();
			return null;
		}).get(10, TimeUnit.SECONDS);
	}

}
