package dev.eventstore.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.eventstore.EventStore;
import dev.eventstore.StoredEvent;
import dev.eventstore.kafka.CloudEventRecords;
import dev.eventstore.kafka.KafkaForwarder;
import dev.eventstore.kafka.KafkaForwarderSettings;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.RetryPolicy;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The row of #31: forwarding a log of {@code events} events over 200 streams to an
 * embedded broker with the {@code kafka-forwarder} processor (the starter's defaults: a
 * checkpoint, and so a wait for the broker's acknowledgements, every 5,000 events or
 * second), against a bare {@link KafkaTemplate} loop sending the same records, built the
 * same way, with the same producer settings, then waiting for every acknowledgement. Each
 * run sends to a topic of its own, created beforehand with 4 partitions, with a producer
 * that already had one record a partition acknowledged. (Without that, the first batch of
 * a partition of a topic just created sometimes waited the whole delivery timeout, 120 s,
 * on this machine's embedded broker, always in the bare loop, which then called
 * {@code flush()}.)
 */
final class KafkaScenarios implements AutoCloseable {

	private final EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 4);

	private final EventStore store = EventStore.inMemory();

	private int topics;

	KafkaScenarios(int events) {
		this.broker.afterPropertiesSet();
		for (int i = 0; i < events; i++) {
			this.store.append("order-" + (i % 200), Workload.event(i));
		}
	}

	private String newTopic() {
		String topic = "bench-" + (++this.topics);
		this.broker.addTopics(new NewTopic(topic, 4, (short) 1));
		return topic;
	}

	private ProducerFactory<String, byte[]> producer() {
		return KafkaForwarder.producerFactory(Map.of("bootstrap.servers", this.broker.getBrokersAsString()));
	}

	/**
	 * A template whose producer has sent one record to each partition of the topic and
	 * had them acknowledged: connected, with the topic's leaders known, before a clock
	 * starts.
	 */
	private KafkaTemplate<String, byte[]> connected(ProducerFactory<String, byte[]> factory, String topic)
			throws Exception {
		KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
		for (int partition = 0; partition < 4; partition++) {
			template.send(topic, partition, "warm-up", new byte[0]).get(60, TimeUnit.SECONDS);
		}
		return template;
	}

	/**
	 * Events a second through the bare loop: send every record, then wait until each is
	 * acknowledged (counted in the send's callback, as the forwarder counts them).
	 */
	double bareLoop() throws Exception {
		String topic = newTopic();
		ProducerFactory<String, byte[]> factory = producer();
		try {
			KafkaTemplate<String, byte[]> template = connected(factory, topic);
			long events = this.store.lastPosition();
			CountDownLatch acknowledged = new CountDownLatch((int) events);
			AtomicReference<Throwable> failure = new AtomicReference<>();
			long start = System.nanoTime();
			for (long from = 1; from <= events; from += 1_000) {
				for (StoredEvent event : this.store.readAll(from, 1_000)) {
					template.send(CloudEventRecords.of(event, topic, "/bench")).whenComplete((result, failed) -> {
						if (failed != null) {
							failure.compareAndSet(null, failed);
						}
						acknowledged.countDown();
					});
				}
			}
			if (!acknowledged.await(5, TimeUnit.MINUTES) || failure.get() != null) {
				throw new IllegalStateException("The bare loop's records were not all acknowledged", failure.get());
			}
			return events / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			factory.reset();
		}
	}

	/** Events a second through the forwarder, until its checkpoint is the log's end. */
	double forwarder() throws Exception {
		String topic = newTopic();
		ProducerFactory<String, byte[]> factory = producer();
		try {
			KafkaTemplate<String, byte[]> template = connected(factory, topic);
			KafkaForwarder forwarder = new KafkaForwarder(template,
					new KafkaForwarderSettings(topic, Map.of(), Set.of(), "/bench", Duration.ofSeconds(10)));
			long events = this.store.lastPosition();
			long start = System.nanoTime();
			try (Processor processor = Processor.builder(KafkaForwarder.NAME + "-" + topic, this.store, forwarder)
				.checkpointEvery(5_000, Duration.ofSeconds(1))
				.retry(new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0))
				.build()
				.start()) {
				while (processor.status().checkpoint() < events) {
					Thread.onSpinWait();
					TimeUnit.MICROSECONDS.sleep(200);
				}
				return events / ((System.nanoTime() - start) / 1e9);
			}
		}
		finally {
			factory.reset();
		}
	}

	@Override
	public void close() {
		this.store.close();
		this.broker.destroy();
	}

}
