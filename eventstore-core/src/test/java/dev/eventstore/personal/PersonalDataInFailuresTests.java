package dev.eventstore.personal;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

import dev.eventstore.EventStore;
import dev.eventstore.EventStoreObserver;
import dev.eventstore.NewEvent;
import dev.eventstore.OpenResources;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.CheckpointStore;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.ParkedEvent;
import dev.eventstore.processor.PipelinedEventHandler;
import dev.eventstore.processor.Processor;
import dev.eventstore.processor.ProcessorObserver;
import dev.eventstore.processor.ProcessorState;
import dev.eventstore.processor.RetriesExhausted;
import dev.eventstore.processor.RetryPolicy;
import dev.eventstore.types.EventType;
import dev.eventstore.types.EventTypes;
import dev.eventstore.types.PersonalData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Personal values in failures: an exception about an event is logged, shown by endpoints
 * and stored with a parked event, where no erasure reaches it, so what it would quote of
 * the event's decrypted personal values is withheld — the parser's message when a payload
 * does not fit its class, and a handler's or a subscriber's own message.
 */
class PersonalDataInFailuresTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String BORN = "Ada Lovelace, 10 December 1815";

	private static final String EMAIL = "ada@example.org";

	@EventType("Registered")
	record Registered(String customerId, @PersonalData(subject = "customerId") String email,
			@PersonalData(subject = "customerId") String born, String channel) {
	}

	/** A later shape: {@code born} became a date, {@code channel} a number. */
	@EventType("Registered")
	record RegisteredAsDate(String customerId, @PersonalData(subject = "customerId") String email,
			@PersonalData(subject = "customerId") LocalDate born, String channel) {
	}

	@EventType("Registered")
	record RegisteredByChannelNumber(String customerId, @PersonalData(subject = "customerId") String email,
			@PersonalData(subject = "customerId") String born, int channel) {
	}

	@RegisterExtension
	final OpenResources open = new OpenResources();

	@TempDir
	Path dir;

	private EventStore open(EventStoreObserver observer) {
		return this.open.keep(EventStore.builder()
			.persistPath(this.dir.resolve("events.ndjson"))
			.eventTypes(EventTypes.of(Registered.class))
			.personalData(PersonalDataProtection.of(PersonalDataTests.MASTER_KEY,
					new FileSubjectKeyStore(this.dir.resolve("keys"))))
			.observer(observer)
			.build());
	}

	private EventStore open() {
		return open(new EventStoreObserver() {
		});
	}

	private static List<String> chain(Throwable failure) {
		List<String> texts = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			texts.add(cause.toString());
		}
		return texts;
	}

	@Test
	void aPersonalValueThatDoesNotReadAsItsComponentsTypeIsNamedNotQuoted() {
		EventStore store = open();
		String longBorn = "born " + "x".repeat(900);
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));
		store.append("c-2", NewEvent.of(new Registered("c-2", EMAIL, longBorn, "web")));

		for (StoredEvent event : store.readAll(1, 10)) {
			IllegalArgumentException failure = catchThrowableOfType(IllegalArgumentException.class,
					() -> event.payload(RegisteredAsDate.class));
			assertThat(failure).hasMessageContaining("does not fit " + RegisteredAsDate.class.getName())
				.hasMessageContaining("personal value 'born' does not read as java.time.LocalDate");
			assertThat(chain(failure)).noneMatch((text) -> text.contains("Ada") || text.contains("xxxxxxxx"))
				.noneMatch((text) -> text.contains(EMAIL));
		}
	}

	@Test
	void anotherFieldThatDoesNotFitIsToldWithThePersonalValuesWithheldFromTheWholeChain() {
		EventStore store = open();
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, EMAIL)));

		IllegalArgumentException failure = catchThrowableOfType(IllegalArgumentException.class,
				() -> store.readStream("c-1").get(0).payload(RegisteredByChannelNumber.class));

		assertThat(failure).hasMessageContaining("does not fit " + RegisteredByChannelNumber.class.getName())
			.hasMessageContaining("int")
			.hasMessageContaining(Redaction.MARK);
		assertThat(failure.getCause()).as("the parser's failure, redacted").isNotNull();
		assertThat(chain(failure)).hasSizeGreaterThan(1).noneMatch((text) -> text.contains(EMAIL));
		assertThat(failure.getCause().getStackTrace()).isNotEmpty();
	}

	@Test
	void aParkedEventsErrorTheLogAndEveryFileWithholdWhatTheHandlerQuotedOfItsPersonalValues() throws IOException {
		LogCapture log = this.open.keep(new LogCapture());
		EventStore store = open();
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));
		store.append("c-2", NewEvent.of(new Registered("c-2", "bob@example.org", "1 May 1990", "shop")));
		List<Throwable> observed = new CopyOnWriteArrayList<>();
		Processor processor = this.open.keep(Processor.builder("mailer", store, (event, delivery) -> {
			Registered registered = event.payload(Registered.class);
			if (registered.customerId().equals("c-1")) {
				throw new IllegalStateException(
						"no mailbox for " + registered.email() + " (born " + registered.born() + ")",
						new IOException("refused: " + registered.email()));
			}
		})
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
			.whenRetriesExhausted(RetriesExhausted.PARK)
			.observer(recordingFailures(observed))
			.build());
		processor.start();

		await().atMost(WAIT).until(() -> processor.parked().size() == 1 && processor.status().checkpoint() == 2);
		ParkedEvent parked = processor.parked().get(0);
		assertThat(parked.error()).isEqualTo(
				"java.lang.IllegalStateException: no mailbox for " + Redaction.MARK + " (born " + Redaction.MARK + ")");
		assertThat(processor.status().lastError()).doesNotContain(EMAIL).contains(Redaction.MARK);
		assertThat(observed).as("observers get the failure as thrown: its class tags metrics")
			.hasSize(2)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(IllegalStateException.class));
		assertThat(log.text()).contains("no mailbox for " + Redaction.MARK)
			.contains("refused: " + Redaction.MARK)
			.doesNotContain(EMAIL)
			.doesNotContain("1815");
		processor.close();
		store.close();
		assertThat(filesHolding(EMAIL)).isEmpty();
		assertThat(filesHolding("10 December 1815")).isEmpty();
	}

	@Test
	void aProcessorThatFailsOnAnEventKeepsItsErrorAndLogsItsTraceWithoutThePersonalValues() {
		LogCapture log = this.open.keep(new LogCapture());
		EventStore store = open();
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));
		Processor processor = this.open.keep(Processor.builder("mailer", store, (event, delivery) -> {
			throw new IllegalStateException("cannot mail " + event.payload(Registered.class).email());
		})
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.retry(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
			.build());
		processor.start();

		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		assertThat(Objects.requireNonNull(processor.status().failure()).error())
			.isEqualTo("java.lang.IllegalStateException: cannot mail " + Redaction.MARK);
		assertThat(log.text()).contains("FAILED at position 1")
			.contains("java.lang.IllegalStateException: cannot mail " + Redaction.MARK + "\n\tat ")
			.doesNotContain(EMAIL);
	}

	@Test
	void aPipelinedHandlersFailedFlushIsKeptAndLoggedWithoutTheEventsPersonalValues() {
		LogCapture log = this.open.keep(new LogCapture());
		EventStore store = open();
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));
		store.append("c-2", NewEvent.of(new Registered("c-2", "bob@example.org", "1 May 1990", "shop")));
		List<Throwable> observed = new CopyOnWriteArrayList<>();
		PipelinedEventHandler handler = new PipelinedEventHandler() {

			private final List<String> pending = new CopyOnWriteArrayList<>();

			@Override
			public void handle(StoredEvent event, Delivery delivery) {
				this.pending.add(event.payload(Registered.class).email());
			}

			@Override
			public void flush() {
				throw new IllegalStateException("duplicate key (email)=(" + String.join(", ", this.pending) + ")");
			}

		};
		Processor processor = this.open.keep(Processor.builder("mailer", store, handler)
			.checkpoints(CheckpointStore.besideJournal(this.dir.resolve("events.ndjson")))
			.checkpointEvery(2, Duration.ofSeconds(10))
			.retry(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 1.0))
			.observer(recordingFailures(observed))
			.build());
		processor.start();

		await().atMost(WAIT).until(() -> processor.status().state() == ProcessorState.FAILED);
		String redacted = "java.lang.IllegalStateException: duplicate key (email)=(" + Redaction.MARK + ", "
				+ Redaction.MARK + ")";
		assertThat(Objects.requireNonNull(processor.status().failure()).error()).isEqualTo(redacted);
		assertThat(observed).isNotEmpty()
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(IllegalStateException.class));
		assertThat(log.text()).contains(Redaction.MARK).doesNotContain(EMAIL).doesNotContain("bob@example.org");
	}

	@Test
	void aSubscribersFailureIsLoggedWithoutThePersonalValuesAndReachesObserversAsThrown() {
		LogCapture log = this.open.keep(new LogCapture());
		List<Throwable> observed = new CopyOnWriteArrayList<>();
		EventStore store = open(new EventStoreObserver() {
			@Override
			public void subscriberFailed(StoredEvent event, Throwable failure) {
				observed.add(failure);
			}
		});
		store.subscribe((event) -> {
			throw new IllegalStateException("unknown " + event.payload(Registered.class).email());
		});
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));

		await().atMost(WAIT).until(() -> observed.size() == 1);
		assertThat(observed.get(0)).hasToString("java.lang.IllegalStateException: unknown " + EMAIL);
		assertThat(log.text()).contains("java.lang.IllegalStateException: unknown " + Redaction.MARK)
			.doesNotContain(EMAIL);
	}

	@Test
	void aFailureThatQuotesNoPersonalValueIsPassedOnAsItIs() {
		EventStore store = open();
		store.append("c-1", NewEvent.of(new Registered("c-1", EMAIL, BORN, "web")));
		StoredEvent event = store.readStream("c-1").get(0);
		IllegalStateException plain = new IllegalStateException("mail server down");

		assertThat(event.redaction().apply(plain)).as("nothing decrypted yet").isSameAs(plain);
		event.payload(Registered.class);
		assertThat(event.redaction().apply(plain)).isSameAs(plain);
		assertThat(event.redaction().apply("to " + EMAIL + ", born " + BORN))
			.isEqualTo("to " + Redaction.MARK + ", born " + Redaction.MARK);
	}

	@Test
	void aNewEventsTextWithholdsItsPersonalValues() {
		NewEvent event = NewEvent.of(new Registered("c-1", EMAIL, null, "web"));

		assertThat(event.toString())
			.contains("data=Registered[customerId=c-1, email=" + Redaction.MARK + ", born=null, channel=web]")
			.doesNotContain(EMAIL);
	}

	/** What the store's loggers write, with each failure's chain, while it is open. */
	private static final class LogCapture extends Handler implements AutoCloseable {

		private final Logger logger = Logger.getLogger("dev.eventstore");

		private final List<String> lines = new CopyOnWriteArrayList<>();

		LogCapture() {
			this.logger.addHandler(this);
		}

		@Override
		public void publish(LogRecord record) {
			StringBuilder line = new StringBuilder(new SimpleFormatter().formatMessage(record));
			Throwable thrown = record.getThrown();
			if (thrown != null) {
				StringWriter trace = new StringWriter();
				thrown.printStackTrace(new PrintWriter(trace));
				line.append('\n').append(trace);
			}
			this.lines.add(line.toString());
		}

		String text() {
			return String.join("\n", this.lines);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
			this.logger.removeHandler(this);
		}

	}

	private static ProcessorObserver recordingFailures(List<Throwable> observed) {
		return new ProcessorObserver() {
			@Override
			public void handlerFailed(String name, StoredEvent event, int attempt, Throwable failure) {
				observed.add(failure);
			}
		};
	}

	private List<Path> filesHolding(String text) throws IOException {
		byte[] needle = text.getBytes(StandardCharsets.UTF_8);
		List<Path> holding = new ArrayList<>();
		try (Stream<Path> files = Files.walk(this.dir)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
					.contains(new String(needle, StandardCharsets.ISO_8859_1))) {
					holding.add(file);
				}
			}
		}
		return holding;
	}

}
