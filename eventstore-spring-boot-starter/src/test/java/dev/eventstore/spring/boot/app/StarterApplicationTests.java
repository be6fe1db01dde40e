package dev.eventstore.spring.boot.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.eventstore.ConcurrencyConflictException;
import dev.eventstore.EventStore;
import dev.eventstore.ExpectedVersion;
import dev.eventstore.NewEvent;
import dev.eventstore.StoredEvent;
import dev.eventstore.spring.boot.app.TestApplication.CartCheckedOut;
import dev.eventstore.spring.boot.app.TestApplication.Heard;
import dev.eventstore.spring.boot.app.TestApplication.ItemAdded;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SpringBootTest(classes = TestApplication.class)
class StarterApplicationTests {

	private static final Path dir = createTempDir();

	@DynamicPropertySource
	static void journal(DynamicPropertyRegistry registry) {
		registry.add("eventstore.persist-path", () -> dir.resolve("events.ndjson").toString());
	}

	@Autowired
	EventStore store;

	@Autowired
	Heard heard;

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	void forget() {
		this.heard.log.clear();
	}

	@AfterAll
	static void cleanUp() throws IOException {
		FileSystemUtils.deleteRecursively(dir);
	}

	@Test
	void listenersReceiveStoredAndTypedEventsInOrderWhenTheAppendReturns() {
		long before = this.store.lastPosition();
		StoredEvent added = this.store.append("cart-1", NewEvent.of(new ItemAdded("apple", 2)));
		List<StoredEvent> batch = this.store.appendBatch("cart-1", List.of(NewEvent.of("Note", Map.of("text", "hi")),
				NewEvent.of("cart-checked-out", Map.of("cartId", "1"))));
		assertThat(added.position()).isEqualTo(before + 1);
		long p = added.position();
		assertThat(this.heard.log).containsExactly("stored " + p + " ItemAdded", "later listener " + p,
				"typed ItemAdded[sku=apple, quantity=2]", "envelope " + p + " cart-1 v1 apple",
				"stored " + (p + 1) + " Note", "later listener " + (p + 1), "untyped Note",
				"stored " + (p + 2) + " cart-checked-out", "later listener " + (p + 2),
				"typed CartCheckedOut[cartId=1]");
		assertThat(batch).hasSize(2);
	}

	@Test
	void throwingListenerNeitherFailsTheAppendNorStopsOtherListenersAndIsCounted() {
		double errorsBefore = counter("eventstore.listener.errors");
		StoredEvent poison = this.store.append("cart-2", NewEvent.of("Poison", Map.of()));
		assertThat(this.store.readStream("cart-2")).containsExactly(poison);
		assertThat(this.heard.log).containsExactly("stored " + poison.position() + " Poison",
				"later listener " + poison.position(), "untyped Poison");
		assertThat(counter("eventstore.listener.errors")).isEqualTo(errorsBefore + 1);
	}

	@Test
	void countersMoveByTheRightAmounts() {
		double appends = counter("eventstore.events.appended");
		double conflicts = counter("eventstore.conflicts");
		io.micrometer.core.instrument.Timer before = this.meters.find("eventstore.append")
			.tag("outcome", "success")
			.timer();
		long timed = (before != null) ? before.count() : 0;
		this.store.append("cart-3", NewEvent.of(new ItemAdded("pear", 1)), ExpectedVersion.noStream());
		this.store.appendBatch("cart-3", List.of(NewEvent.of("A", Map.of()), NewEvent.of("B", Map.of())),
				ExpectedVersion.exactly(1));
		assertThatExceptionOfType(ConcurrencyConflictException.class)
			.isThrownBy(() -> this.store.append("cart-3", NewEvent.of("C", Map.of()), ExpectedVersion.exactly(1)));
		assertThat(counter("eventstore.events.appended")).isEqualTo(appends + 3);
		assertThat(counter("eventstore.conflicts")).isEqualTo(conflicts + 1);
		// One observation an append: the timer comes from it, tagged by event type too.
		assertThat(successfulAppends()).isEqualTo(timed + 2);
		assertThat(this.meters.get("eventstore.append").tags("outcome", "success", "event.type", "ItemAdded").timer())
			.isNotNull();
		assertThat(this.meters.get("eventstore.position").gauge().value()).isEqualTo(this.store.lastPosition());
		// The size is read at most every 5 seconds: a scrape costs no journal call.
		assertThat(this.meters.get("eventstore.journal.size").gauge().value()).isPositive()
			.isLessThanOrEqualTo(this.store.status().journalSizeBytes());
	}

	@Test
	void restartingOnTheSameJournalRestoresTheEventsAndTheirTypes() {
		Path journal = dir.resolve("restart/events.ndjson");
		List<StoredEvent> written;
		try (ConfigurableApplicationContext first = start(journal)) {
			EventStore store = first.getBean(EventStore.class);
			store.append("cart-9", NewEvent.of(new ItemAdded("plum", 3)));
			store.append("cart-9", NewEvent.of(new CartCheckedOut("9")));
			written = store.readAll(1, 100);
		}
		try (ConfigurableApplicationContext second = start(journal)) {
			EventStore store = second.getBean(EventStore.class);
			assertThat(store.readAll(1, 100)).isEqualTo(written);
			assertThat(store.readStream("cart-9").get(1).dataAs(CartCheckedOut.class))
				.isEqualTo(new CartCheckedOut("9"));
			Heard heard = second.getBean(Heard.class);
			store.append("cart-9", NewEvent.of("cart-checked-out", Map.of("cartId", "9")));
			assertThat(heard.log).contains("typed CartCheckedOut[cartId=9]");
		}
	}

	private static ConfigurableApplicationContext start(Path journal) {
		return new SpringApplicationBuilder(TestApplication.class).run("--eventstore.persist-path=" + journal,
				"--spring.main.banner-mode=off");
	}

	private double counter(String name) {
		return this.meters.get(name).functionCounter().count();
	}

	private static Path createTempDir() {
		try {
			return Files.createTempDirectory("eventstore-starter");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private long successfulAppends() {
		return this.meters.find("eventstore.append")
			.tag("outcome", "success")
			.timers()
			.stream()
			.mapToLong(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

}
