package dev.eventstore.personal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.eventstore.EventStore;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorSegments;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A processor of several segments gets every {@link PersonalDataErased} event in each
 * segment, after that segment's own earlier events: a segment still working on an event
 * it read before the erasure erases what that work kept once it is done, however far the
 * segment that owns the erasures' stream is ahead.
 */
class SegmentedErasureTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int SEGMENTS = 2;

	@EventType("CustomerNamed")
	record CustomerNamed(String customerId,
			@PersonalData(subject = "customerId", replacement = "[erased]") String name) {
	}

	@RegisterExtension
	final OpenResources open = new OpenResources();

	@TempDir
	Path dir;

	/** A stream in the other segment than the erasures' stream. */
	private static String streamBesideTheErasures() {
		int erasures = ProcessorSegments.of(PersonalDataErased.STREAM, SEGMENTS);
		return IntStream.range(0, 100)
			.mapToObj((i) -> "customer-" + i)
			.filter((stream) -> ProcessorSegments.of(stream, SEGMENTS) != erasures)
			.findFirst()
			.orElseThrow();
	}

	private EventStore openStore() {
		return this.open.keep(EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(CustomerNamed.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY, new InMemorySubjectKeyStore()))
			.build());
	}

	@Test
	void aSegmentWritingACopyItReadBeforeTheErasureErasesItAfterwards() throws Exception {
		EventStore store = openStore();
		String stream = streamBesideTheErasures();
		Map<String, String> copies = new ConcurrentHashMap<>();
		List<Long> erasuresHandled = new CopyOnWriteArrayList<>();
		CountDownLatch read = new CountDownLatch(1);
		CountDownLatch write = new CountDownLatch(1);
		Processor processor = this.open.keep(Processor.builder("copies", store, (event, delivery) -> {
			if (event.type().equals(PersonalDataErased.TYPE)) {
				erasuresHandled.add(event.position());
				copies.replaceAll((customer, name) -> "[erased]");
				return;
			}
			CustomerNamed named = event.payload(CustomerNamed.class);
			read.countDown();
			waitFor(write);
			copies.put(named.customerId(), named.name());
		}).segments(SEGMENTS).checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"))).build());
		processor.start();

		store.append(stream, NewEvent.of(new CustomerNamed("c-1", "Ada Lovelace")));
		assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
		store.erasePersonalData("c-1");
		await().atMost(WAIT).until(() -> !erasuresHandled.isEmpty());
		write.countDown();

		await().atMost(WAIT).untilAsserted(() -> assertThat(copies).containsEntry("c-1", "[erased]"));
		await().atMost(WAIT).until(() -> erasuresHandled.size() == SEGMENTS);
		assertThat(copies).containsEntry("c-1", "[erased]");
	}

	@Test
	void eachSegmentGetsTheErasureAndKnowsWhichStreamsAreItsOwn() {
		EventStore store = openStore();
		String stream = streamBesideTheErasures();
		List<Delivery> erasures = new CopyOnWriteArrayList<>();
		List<Delivery> named = new CopyOnWriteArrayList<>();
		Processor processor = this.open.keep(Processor.builder("copies", store, (event, delivery) -> {
			if (event.type().equals(PersonalDataErased.TYPE)) {
				erasures.add(delivery);
			}
			else {
				assertThat(delivery.owns(event.streamId())).isTrue();
				named.add(delivery);
			}
		}).segments(SEGMENTS).checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson"))).build());
		processor.start();

		store.append(stream, NewEvent.of(new CustomerNamed("c-1", "Ada Lovelace")));
		store.erasePersonalData("c-1");

		await().atMost(WAIT).until(() -> erasures.size() == SEGMENTS && named.size() == 1);
		assertThat(erasures).extracting(Delivery::segment).containsExactlyInAnyOrder(0, 1);
		assertThat(erasures).allSatisfy((delivery) -> assertThat(delivery.segments()).isEqualTo(SEGMENTS));
		assertThat(erasures).filteredOn((delivery) -> delivery.owns(stream))
			.singleElement()
			.extracting(Delivery::segment)
			.isEqualTo(named.get(0).segment());
	}

	private static void waitFor(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
