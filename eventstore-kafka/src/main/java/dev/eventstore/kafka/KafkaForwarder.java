package dev.eventstore.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.PipelinedEventHandler;
import dev.eventstore.processor.Processor;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Forwards the log to Kafka: the handler of a durable {@link Processor} named
 * {@value #NAME}. Each event becomes a {@linkplain CloudEventRecords CloudEvents record}
 * keyed by its stream id, sent without waiting (many in flight); before the processor
 * saves a checkpoint it {@linkplain #flush() waits} until the broker acknowledged every
 * record sent, so the checkpoint never passes an event Kafka does not have. Through an
 * outage it waits while the producer retries, reporting itself failing once the records
 * wait longer than the {@linkplain KafkaForwarderSettings#ackTimeout() timeout}; when the
 * producer gives up on a record (its delivery timeout, a record the broker refuses), the
 * producer's queue is dropped and the processor sends the events after its checkpoint
 * again, with its retry policy's backoff: nothing is skipped.
 *
 * <p>
 * Delivery is at-least-once: after a crash or an outage, records of the unacknowledged
 * window may reach Kafka twice; consumers deduplicate by the {@code ce_id} header. The
 * producer is idempotent with at most 5 requests in flight, so one stream's records never
 * overtake each other: the first copy of each event arrives in stream order.
 *
 * @since 0.2.0
 */
public final class KafkaForwarder implements PipelinedEventHandler {

	/** The processor's name. */
	public static final String NAME = "kafka-forwarder";

	private final KafkaTemplate<String, byte[]> template;

	private final KafkaForwarderSettings settings;

	private volatile Window window = new Window();

	private volatile long acknowledged;

	private volatile @Nullable String lastError;

	private volatile @Nullable Instant failingSince;

	/**
	 * A forwarder sending through a template. Use a template over
	 * {@link #producerFactory(Map)}, whose settings keep order and whose reset drops the
	 * queue at once.
	 * @param template the template
	 * @param settings where and what it sends
	 */
	public KafkaForwarder(KafkaTemplate<String, byte[]> template, KafkaForwarderSettings settings) {
		this.template = Objects.requireNonNull(template, "template");
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	/**
	 * A producer factory with the application's settings and those the forwarder needs
	 * ({@code acks=all}, idempotence, at most 5 requests in flight, retries, string keys
	 * and byte values).
	 * @param application the application's producer settings, such as Spring Boot's
	 * {@code spring.kafka.*}
	 * @return the factory
	 * @throws IllegalStateException naming every setting that contradicts them
	 */
	public static ProducerFactory<String, byte[]> producerFactory(Map<String, Object> application) {
		return ForwarderProducerSettings.factory(application);
	}

	@Override
	public void handle(StoredEvent event, Delivery delivery) {
		if (!this.settings.forwards(event.type())) {
			return;
		}
		Window current = this.window;
		current.sending(event.position());
		try {
			this.template.send(CloudEventRecords.of(event, this.settings.topicOf(event), this.settings.source()))
				.whenComplete((result, failure) -> current.completed(failure));
		}
		catch (RuntimeException ex) {
			// Refused before it was queued (no metadata within max.block.ms, a full
			// buffer): the processor retries this event, the ones before stay in flight.
			current.completed(ex);
			failing("Kafka refused the record of position " + event.position() + ": " + ex);
			throw ex;
		}
	}

	/**
	 * Waits until the broker acknowledged every record sent since the last flush. While
	 * the producer still retries them (within its {@code delivery.timeout.ms}) it keeps
	 * waiting, and once they wait longer than the acknowledgement timeout it
	 * {@linkplain #status() reports} the forwarder failing: a broker outage shorter than
	 * the delivery timeout costs no record twice.
	 * @throws KafkaForwardingException if the producer gave up on a record; its queue is
	 * then dropped, for the events to be sent again
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Override
	public void flush() throws InterruptedException {
		Window current = this.window;
		if (current.sent == 0) {
			return;
		}
		long since = System.nanoTime();
		while (!current.await(this.settings.ackTimeout())) {
			failing("Kafka has not acknowledged " + (current.sent - current.completed()) + " of the " + current.sent
					+ " records of positions " + current.first + " to " + current.last + " for "
					+ Duration.ofNanos(System.nanoTime() - since).toSeconds()
					+ " s (is the broker reachable?); the producer keeps trying");
		}
		Throwable failure = current.failure;
		this.window = new Window();
		if (failure == null) {
			this.acknowledged = current.last;
			this.lastError = null;
			this.failingSince = null;
			return;
		}
		this.template.getProducerFactory().reset();
		String error = "Kafka did not take a record of positions " + current.first + " to " + current.last + ": "
				+ failure;
		failing(error);
		throw new KafkaForwardingException(error, failure);
	}

	private void failing(String error) {
		this.lastError = error;
		if (this.failingSince == null) {
			this.failingSince = Instant.now();
		}
	}

	/**
	 * How the forwarding goes, for health. Records that wait longer than the
	 * acknowledgement timeout show as failing at once, before the processor's next flush:
	 * a send blocked on the broker's metadata (a broker that is gone) never reaches one.
	 * @return the status
	 */
	public KafkaForwarderStatus status() {
		Window current = this.window;
		long inFlight = current.sent - current.completed();
		String error = this.lastError;
		Instant since = this.failingSince;
		if (since == null && inFlight > 0) {
			long waited = System.nanoTime() - current.firstAt;
			if (waited > this.settings.ackTimeout().toNanos()) {
				since = Instant.now().minusNanos(waited);
				error = "Kafka has not acknowledged " + inFlight + " of the " + current.sent
						+ " records since position " + current.first + " for " + Duration.ofNanos(waited).toSeconds()
						+ " s (is the broker reachable?); the producer keeps trying";
			}
		}
		return new KafkaForwarderStatus(this.acknowledged, inFlight, error, since);
	}

	@Override
	public String toString() {
		return "KafkaForwarder[" + this.settings.topic() + "]";
	}

	/** The records sent since the last flush: how many, which, and how they fared. */
	private static final class Window {

		private final Object lock = new Object();

		/** Written by the processor's thread only. */
		volatile long sent;

		volatile long first;

		volatile long last;

		/** When the first record was sent, in {@link System#nanoTime()}. */
		volatile long firstAt;

		private long done;

		volatile @Nullable Throwable failure;

		void sending(long position) {
			if (this.sent == 0) {
				this.first = position;
				this.firstAt = System.nanoTime();
			}
			this.last = position;
			synchronized (this.lock) {
				this.sent++;
			}
		}

		/** On a producer thread: one record acknowledged or failed. */
		void completed(@Nullable Throwable failed) {
			synchronized (this.lock) {
				if (failed != null && this.failure == null) {
					this.failure = failed;
				}
				this.done++;
				if (this.done == this.sent) {
					this.lock.notifyAll();
				}
			}
		}

		long completed() {
			synchronized (this.lock) {
				return this.done;
			}
		}

		boolean await(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			synchronized (this.lock) {
				while (this.done < this.sent && this.failure == null) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return false;
					}
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
				return true;
			}
		}

	}

}
