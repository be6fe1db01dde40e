package dev.eventstore.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import dev.eventstore.personal.InMemorySubjectKeyStore;
import dev.eventstore.personal.PersonalDataProtection;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorStatus;
import dev.eventstore.processor.RetryPolicy;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The forwarder against a real broker: every event arrives, each stream in order, with
 * the CloudEvents headers; routing and filtering by type; personal values only as their
 * envelopes; the checkpoint stays put while the broker does not acknowledge.
 */
class KafkaForwarderTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static EmbeddedKafkaKraftBroker broker;

	@RegisterExtension
	final OpenResources open = new OpenResources();

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 4);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	private Processor forward(EventStore store, KafkaForwarderSettings settings, String bootstrap) {
		return this.open.keep(
				Processor.builder(KafkaForwarder.NAME, store, new KafkaForwarder(Topics.template(bootstrap), settings))
					.checkpointEvery(1_000, Duration.ofMillis(200))
					.retry(new RetryPolicy(1_000, Duration.ofMillis(50), Duration.ofMillis(500), 2.0))
					.build()
					.start());
	}

	private static KafkaForwarderSettings settings(String topic) {
		return new KafkaForwarderSettings(topic, Map.of(), Set.of(), "/forwarder-tests", Duration.ofSeconds(10));
	}

	@Test
	void forwardsTenThousandEventsOfTwoHundredStreamsEachStreamInOrderWithCloudEventsHeaders() {
		EventStore store = this.open.keep(EventStore.inMemory());
		for (int i = 0; i < 10_000; i++) {
			NewEvent event = NewEvent.of("OrderNoted", Map.of("i", i, "note", "é " + i),
					(i % 2 == 0) ? Map.of("correlationId", "c-" + i) : null);
			store.append("order-" + (i % 200), (i % 3 == 0) ? event.withTags("order:" + (i % 200), "even") : event);
		}
		Processor processor = forward(store, settings("all-events"), broker.getBrokersAsString());
		await().atMost(WAIT).until(() -> processor.status().checkpoint() == 10_000);

		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "all-events", 10_000,
				WAIT);
		assertThat(records).hasSize(10_000);
		Map<String, List<Long>> versions = new LinkedHashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			versions.computeIfAbsent(record.key(), (k) -> new ArrayList<>())
				.add(Long.parseLong(Topics.header(record, CloudEventRecords.STREAM_VERSION)));
		}
		assertThat(versions).hasSize(200);
		List<Long> oneToFifty = new ArrayList<>();
		for (long v = 1; v <= 50; v++) {
			oneToFifty.add(v);
		}
		assertThat(versions.values()).allSatisfy((list) -> assertThat(list).isEqualTo(oneToFifty));

		Map<Long, StoredEvent> byPosition = new HashMap<>();
		store.readAll(1, 10_000).forEach((event) -> byPosition.put(event.position(), event));
		assertThat(records).allSatisfy((record) -> {
			StoredEvent event = byPosition.get(Topics.position(record));
			assertThat(record.topic()).isEqualTo("all-events");
			assertThat(record.key()).isEqualTo(event.streamId());
			assertThat(record.value()).isEqualTo(event.dataJson());
			assertThat(Topics.header(record, "ce_specversion")).isEqualTo("1.0");
			assertThat(Topics.header(record, "ce_id")).isEqualTo(event.id().toString());
			assertThat(Topics.header(record, "ce_type")).isEqualTo("OrderNoted");
			assertThat(Topics.header(record, "ce_source")).isEqualTo("/forwarder-tests");
			assertThat(Instant.parse(Topics.header(record, "ce_time"))).isEqualTo(event.timestamp());
			assertThat(Topics.header(record, "ce_subject")).isEqualTo(event.streamId());
			assertThat(Topics.header(record, "content-type")).isEqualTo("application/json");
			assertThat(Topics.header(record, "eventstore_stream_version")).isEqualTo(String.valueOf(event.version()));
			// Everything else the event holds: its tags and metadata, when it has them.
			assertThat(Topics.header(record, "eventstore_tags"))
				.isEqualTo(event.tags().isEmpty() ? "" : Topics.json(new TreeSet<>(event.tags())));
			assertThat(Topics.header(record, "eventstore_metadata"))
				.isEqualTo(event.metadata().isEmpty() ? "" : Topics.json(event.metadata()));
		});
		assertThat(records).filteredOn((record) -> !Topics.header(record, "eventstore_metadata").isEmpty())
			.hasSize(5_000)
			.first()
			.satisfies((record) -> assertThat(Topics.header(record, "eventstore_metadata"))
				.startsWith("{\"correlationId\":\"c-"));
		assertThat(records).filteredOn((record) -> !Topics.header(record, "eventstore_tags").isEmpty()).hasSize(3_334);
		assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).contains("\"note\":\"é ");
	}

	@Test
	void theSegmentsOfASegmentedForwarderEachForwardTheirStreamsInOrderAndMoveTheirCheckpointsToTheEnd() {
		EventStore store = this.open.keep(EventStore.inMemory());
		for (int i = 0; i < 10_000; i++) {
			store.append("order-" + (i % 200), NewEvent.of("OrderNoted", Map.of("i", i)));
		}
		KafkaForwarder forwarder = new KafkaForwarder(Topics.template(broker.getBrokersAsString()),
				settings("segmented"));
		Processor processor = this.open.keep(Processor.builder(KafkaForwarder.NAME, store, forwarder)
			.segments(4)
			.checkpointEvery(100, Duration.ofMillis(50))
			.build()
			.start());

		await().atMost(WAIT)
			.until(() -> processor.status().segments().stream().allMatch((segment) -> segment.checkpoint() == 10_000));
		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "segmented", 10_000,
				WAIT);
		Map<String, List<Long>> versions = new LinkedHashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			versions.computeIfAbsent(record.key(), (k) -> new ArrayList<>())
				.add(Long.parseLong(Topics.header(record, CloudEventRecords.STREAM_VERSION)));
		}
		assertThat(versions).hasSize(200);
		assertThat(versions.values()).allSatisfy((list) -> assertThat(list).isSorted().hasSize(50));
		KafkaForwarderStatus status = forwarder.status();
		assertThat(status.inFlight()).isZero();
		assertThat(status.isHealthy()).isTrue();
	}

	@EventType("CustomerRegistered")
	record CustomerRegistered(String customerId, @PersonalData(subject = "customerId") String name,
			@PersonalData(subject = "customerId") String email) {
	}

	@Test
	void personalValuesReachTheTopicOnlyAsTheirEnvelopesAndTheErasureFollowsThem() {
		EventStore store = this.open
			.keep(EventStore.builder()
				.eventTypes(EventTypes.of(CustomerRegistered.class))
				.personalData(PersonalDataProtection.of(
						"0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
						new InMemorySubjectKeyStore()))
				.build());
		store.append("customer-1", NewEvent.of(new CustomerRegistered("c-1", "Ada Lovelace", "ada@example.org")));
		store.erasePersonalData("c-1");
		Processor processor = forward(store, settings("personal-events"), broker.getBrokersAsString());
		await().atMost(WAIT).until(() -> processor.status().checkpoint() == 2);

		List<ConsumerRecord<String, byte[]>> records = Topics.read(broker.getBrokersAsString(), "personal-events", 2,
				WAIT);
		assertThat(records).extracting((record) -> Topics.header(record, "ce_type"))
			.containsExactlyInAnyOrder("CustomerRegistered", "PersonalDataErased");
		ConsumerRecord<String, byte[]> registered = records.stream()
			.filter((record) -> record.key().equals("customer-1"))
			.findFirst()
			.orElseThrow();
		String value = new String(registered.value(), StandardCharsets.UTF_8);
		assertThat(value).contains("\"customerId\":\"c-1\"", "\"name\":\"" + PersonalDataProtection.ENVELOPE_PREFIX)
			.doesNotContain("Ada", "Lovelace", "ada@example.org");
		assertThat(registered.value()).isEqualTo(store.readStream("customer-1").get(0).dataJson());
	}

	@Test
	void routesByTypeThenByStreamCategoryAndForwardsOnlyTheConfiguredTypes() {
		EventStore store = this.open.keep(EventStore.inMemory());
		store.append("order-1", NewEvent.of("Placed", Map.of()));
		store.append("order-1", NewEvent.of("Shipped", Map.of()));
		store.append("cart-1", NewEvent.of("Placed", Map.of()));
		store.append("order-2", NewEvent.of("Refunded", Map.of()));
		store.append("nodash", NewEvent.of("Placed", Map.of()));
		KafkaForwarderSettings settings = new KafkaForwarderSettings("routed-default",
				Map.of("Refunded", "routed-refunds", "order", "routed-orders"), Set.of("Placed", "Refunded"),
				"/forwarder-tests", Duration.ofSeconds(10));
		Processor processor = forward(store, settings, broker.getBrokersAsString());
		await().atMost(WAIT).until(() -> processor.status().checkpoint() == 5);

		String bootstrap = broker.getBrokersAsString();
		assertThat(Topics.read(bootstrap, "routed-orders", 1, WAIT)).extracting(Topics::position).containsExactly(1L);
		assertThat(Topics.read(bootstrap, "routed-refunds", 1, WAIT)).extracting(Topics::position).containsExactly(4L);
		assertThat(Topics.read(bootstrap, "routed-default", 2, WAIT)).extracting(Topics::position)
			.containsExactlyInAnyOrder(3L, 5L);
	}

	@Test
	void whileTheBrokerDoesNotAcknowledgeTheCheckpointStaysAndTheStatusSaysWhy() {
		EventStore store = this.open.keep(EventStore.inMemory());
		for (int i = 0; i < 20; i++) {
			store.append("order-" + i, NewEvent.of("Placed", Map.of()));
		}
		KafkaForwarderSettings settings = new KafkaForwarderSettings("unreachable", Map.of(), Set.of(), "/tests",
				Duration.ofMillis(300));
		Map<String, Object> producer = Map.of("bootstrap.servers", "localhost:9", "max.block.ms", 300);
		KafkaForwarder forwarder = new KafkaForwarder(new KafkaTemplate<>(KafkaForwarder.producerFactory(producer)),
				settings);
		Processor processor = this.open.keep(Processor.builder(KafkaForwarder.NAME, store, forwarder)
			.checkpointEvery(5, Duration.ofMillis(100))
			.retry(new RetryPolicy(1_000, Duration.ofMillis(10), Duration.ofMillis(50), 2.0))
			.build()
			.start());
		// The forwarder reports the refusal before it throws it to the processor.
		await().atMost(WAIT)
			.until(() -> forwarder.status().failingSince() != null && processor.status().lastError() != null);
		ProcessorStatus status = processor.status();
		assertThat(status.checkpoint()).isZero();
		assertThat(status.lastError()).isNotNull();
		assertThat(forwarder.status().isHealthy()).isFalse();
		assertThat(forwarder.status().acknowledged()).isZero();
		assertThat(forwarder.status().lastError()).contains("position 1");
	}

	@Test
	void aSendBlockedOnAGoneBrokerShowsAsFailingBeforeTheProcessorSeesAnError() {
		EventStore store = this.open.keep(EventStore.inMemory());
		store.append("order-1", NewEvent.of("Placed", Map.of()));
		KafkaForwarderSettings settings = new KafkaForwarderSettings("unreachable", Map.of(), Set.of(), "/tests",
				Duration.ofMillis(300));
		// The send waits for metadata far longer than the acknowledgement timeout.
		Map<String, Object> producer = Map.of("bootstrap.servers", "localhost:9", "max.block.ms", 4_000);
		KafkaForwarder forwarder = new KafkaForwarder(new KafkaTemplate<>(KafkaForwarder.producerFactory(producer)),
				settings);
		Processor processor = this.open.keep(Processor.builder(KafkaForwarder.NAME, store, forwarder).build().start());
		await().atMost(Duration.ofSeconds(5)).until(() -> !forwarder.status().isHealthy());
		assertThat(processor.status().lastError()).isNull();
		assertThat(processor.status().checkpoint()).isZero();
		assertThat(forwarder.status().inFlight()).isEqualTo(1);
		assertThat(forwarder.status().lastError()).contains("position 1").contains("is the broker reachable?");
	}

}
