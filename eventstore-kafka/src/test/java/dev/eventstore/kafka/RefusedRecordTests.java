package dev.eventstore.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.RetryPolicy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records Kafka will not take. The store's events may be far larger (16 MiB) than a topic
 * takes (1 MiB by default): a record the producer would send and the broker refuse is
 * refused before it is sent, as the records behind it, of its stream too, would otherwise
 * reach the topic without it. The forwarder stops at such an event, saying which and why;
 * a topic that takes larger records gets them.
 */
class RefusedRecordTests {

	private static final int MEGABYTE = 1024 * 1024;

	private static EmbeddedKafkaKraftBroker broker;

	@RegisterExtension
	final OpenResources open = new OpenResources();

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.afterPropertiesSet();
		broker.addTopics(new NewTopic("large-records", 1, (short) 1)
			.configs(Map.of("max.message.bytes", String.valueOf(4 * MEGABYTE))));
		broker.addTopics(new NewTopic("shrinking", 1, (short) 1)
			.configs(Map.of("max.message.bytes", String.valueOf(4 * MEGABYTE))));
		broker.addTopics(new NewTopic("very-large-records", 1, (short) 1)
			.configs(Map.of("max.message.bytes", String.valueOf(8 * MEGABYTE))));
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	/** Fifty events of two streams; the second, of order-1, is 2 MiB. */
	private EventStore store() {
		EventStore store = this.open.keep(EventStore.inMemory());
		store.append("order-1", NewEvent.of("Placed", Map.of("n", 1)));
		store.append("order-1", NewEvent.of("Noted", Map.of("note", "x".repeat(2 * MEGABYTE))));
		for (int i = 3; i <= 50; i++) {
			store.append((i % 2 == 0) ? "order-1" : "order-2", NewEvent.of("Placed", Map.of("n", i)));
		}
		return store;
	}

	private Processor forward(EventStore store, String topic, Map<String, Object> producer) {
		Map<String, Object> settings = new HashMap<>(producer);
		settings.put("bootstrap.servers", broker.getBrokersAsString());
		KafkaForwarder forwarder = new KafkaForwarder(new KafkaTemplate<>(KafkaForwarder.producerFactory(settings)),
				new KafkaForwarderSettings(topic, Map.of(), Set.of(), "/tests", Duration.ofSeconds(10)));
		return this.open.keep(Processor.builder(KafkaForwarder.NAME, store, forwarder)
			.checkpointEvery(1_000, Duration.ofMillis(100))
			.retry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2.0))
			.build()
			.start());
	}

	@Test
	void aRecordLargerThanItsTopicTakesIsRefusedBeforeItIsSentAndNoLaterEventOfItsStreamReachesTheTopic() {
		// The producer would send it; the broker (message.max.bytes, 1 MiB) would refuse
		// it.
		Processor processor = forward(store(), "default-records", Map.of("max.request.size", 8 * MEGABYTE));

		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().checkpoint()).isEqualTo(1);
		assertThat(processor.status().lastError()).contains("position 2")
			.contains("stream 'order-1'")
			.contains("more than topic 'default-records' takes")
			.contains("max.message.bytes");
		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "default-records", 1,
				Duration.ofSeconds(3));
		assertThat(records).extracting(Topics::position).as("nothing after the refused event").containsOnly(1L);
	}

	/**
	 * The metadata travel in a header: a record whose value is small and whose metadata
	 * are not is measured all the same.
	 */
	@Test
	void aRecordWhoseMetadataMakeItLargerThanItsTopicTakesIsRefusedBeforeItIsSent() {
		EventStore store = this.open.keep(EventStore.inMemory());
		store.append("order-1", NewEvent.of("Placed", Map.of("n", 1)));
		store.append("order-1", NewEvent.of("Noted", Map.of("n", 2), Map.of("trace", "x".repeat(2 * MEGABYTE))));
		store.append("order-1", NewEvent.of("Placed", Map.of("n", 3)));
		Processor processor = forward(store, "metadata-records", Map.of("max.request.size", 8 * MEGABYTE));

		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().checkpoint()).isEqualTo(1);
		assertThat(processor.status().lastError()).contains("position 2")
			.contains("more than topic 'metadata-records' takes");
		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "metadata-records", 1,
				Duration.ofSeconds(3));
		assertThat(records).extracting(Topics::position).as("nothing after the refused event").containsOnly(1L);
	}

	@Test
	void aTopicThatTakesLargerRecordsGetsEveryEventInOrder() {
		EventStore store = store();
		Processor processor = forward(store, "large-records", Map.of("max.request.size", 8 * MEGABYTE));

		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().checkpoint() == 50);
		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "large-records", 50,
				Duration.ofSeconds(30));
		assertThat(records).filteredOn((record) -> record.key().equals("order-1"))
			.extracting(Topics::position)
			.startsWith(1L, 2L, 4L, 6L)
			.isSorted()
			.hasSize(26);
	}

	@Test
	void aRecordTheProducerRefusesAtOnceStopsTheForwarderNamingItsCause() {
		// The topic takes it, the producer's buffer cannot hold it: refused in the send.
		Processor processor = forward(store(), "very-large-records",
				Map.of("max.request.size", 8 * MEGABYTE, "buffer.memory", MEGABYTE));

		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().checkpoint()).isEqualTo(1);
		assertThat(processor.status().lastError()).contains("position 2").contains("RecordTooLargeException");
		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "very-large-records", 1,
				Duration.ofSeconds(3));
		assertThat(records).extracting(Topics::position).as("nothing after the refused event").containsOnly(1L);
	}

	@Test
	void aTopicThatTakesLessThanItDidIsAskedAgainAfterTheBrokerRefusesARecord() throws Exception {
		EventStore store = this.open.keep(EventStore.inMemory());
		for (int i = 1; i <= 10; i++) {
			store.append("order-1", NewEvent.of("Placed", Map.of("n", i)));
		}
		Processor processor = forward(store, "shrinking", Map.of("max.request.size", 8 * MEGABYTE));
		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().checkpoint() == 10);
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
			ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "shrinking");
			admin.incrementalAlterConfigs(Map.of(topic,
					List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", String.valueOf(MEGABYTE)),
							AlterConfigOp.OpType.SET))))
				.all()
				.get();
		}
		store.append("order-1", NewEvent.of("Noted", Map.of("note", "x".repeat(2 * MEGABYTE))));
		store.append("order-1", NewEvent.of("Placed", Map.of("n", 12)));

		await().atMost(Duration.ofSeconds(60)).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(processor.status().checkpoint()).isEqualTo(10);
		assertThat(processor.status().lastError()).contains("position 11")
			.contains("more than topic 'shrinking' takes (" + MEGABYTE + " bytes");
	}

}
