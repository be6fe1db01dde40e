package dev.eventstore.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.eventstore.EventLimits;
import dev.eventstore.StoredEvent;
import dev.eventstore.processor.Delivery;
import dev.eventstore.processor.PipelinedEventHandler;
import dev.eventstore.processor.Processor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
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
 * The segments of a segmented processor share one forwarder: each segment's flush waits
 * for the records its own thread sent, so that its checkpoint passes none Kafka does not
 * have.
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

	/**
	 * Records up to this size go unmeasured: far below the least a topic takes in
	 * practice (Kafka's default is 1 MiB), so that they never wait for a topic's limit to
	 * be known.
	 */
	private static final int UNCHECKED_BYTES = 64 * 1024;

	private final TopicLimits limits;

	/** How far under its topic's limit a record's value is small enough unmeasured. */
	private final int slack;

	/**
	 * What each processor thread sent: a segmented processor's segments share this
	 * forwarder, each on a thread of its own, and each flush must wait for its own
	 * segment's records, every one of them, before that segment's checkpoint moves.
	 */
	private final Map<Thread, Lane> lanes = new ConcurrentHashMap<>();

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
		this.limits = TopicLimits.of(template.getProducerFactory());
		// Most of a record is its value, its tags and its metadata: the key, the other
		// headers and the overheads take less than this, so a record whose value, tags
		// and
		// metadata are this far under the limit needs no exact measure.
		this.slack = 3 * (2 * EventLimits.MAX_STREAM_ID_LENGTH + EventLimits.MAX_TYPE_LENGTH)
				+ settings.source().getBytes(StandardCharsets.UTF_8).length + 1024;
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
		Window current = lane().window;
		if (current.failure != null) {
			// A record sent since the last flush failed: the flush before the next
			// checkpoint fails and the processor sends everything after the checkpoint
			// again, this event too. Sending it now would only put it ahead of the one
			// that failed.
			return;
		}
		String topic = this.settings.topicOf(event);
		ProducerRecord<String, byte[]> record = CloudEventRecords.of(event, topic, this.settings.source());
		refuseIfTooLarge(event, record);
		current.sending(event.position());
		try {
			long position = event.position();
			this.template.send(record).whenComplete((result, failure) -> current.completed(position, failure));
		}
		catch (RuntimeException ex) {
			// Refused before it was queued (no metadata within max.block.ms, a full
			// buffer, larger than max.request.size): nothing after it was sent either,
			// so the processor's retry of this event keeps the order.
			current.abandoned();
			String error = "Kafka refused the record of position " + event.position() + ": " + rootCause(ex);
			failing(error);
			throw new KafkaForwardingException(error, ex);
		}
	}

	/**
	 * Refuses a record larger than its topic takes before it is sent: one that the
	 * producer takes and the broker refuses fails only once the records behind it, of its
	 * stream too, are on their way, and they would reach the topic without it.
	 */
	private void refuseIfTooLarge(StoredEvent event, ProducerRecord<String, byte[]> record) {
		long bytes = (long) record.value().length + CloudEventRecords.variableHeaderBytes(record) + this.slack;
		if (bytes <= UNCHECKED_BYTES) {
			this.limits.prefetch(record.topic());
			return;
		}
		int limit = this.limits.maxRecordBytes(record.topic());
		if (bytes <= limit) {
			return;
		}
		int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
				record.key().getBytes(StandardCharsets.UTF_8), record.value(), record.headers().toArray());
		if (size > limit) {
			String error = "The record of position " + event.position() + " (stream '" + event.streamId() + "', type '"
					+ event.type() + "') is " + size + " bytes, more than topic '" + record.topic() + "' takes ("
					+ limit + " bytes: the less of its max.message.bytes and the producer's max.request.size); the "
					+ "forwarder stops at it: raise both, or skip the event";
			failing(error);
			throw new KafkaForwardingException(error, null);
		}
	}

	private static String rootCause(Throwable failure) {
		Throwable root = failure;
		for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
			root = root.getCause();
		}
		return (root == failure) ? failure.toString() : failure.getMessage() + ": " + root;
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
		Lane lane = this.lanes.get(Thread.currentThread());
		Window current = (lane != null) ? lane.window : null;
		if (current == null || current.sent == 0) {
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
		lane.window = new Window();
		if (failure == null) {
			lane.acknowledged = current.last;
			this.lastError = null;
			this.failingSince = null;
			return;
		}
		this.template.getProducerFactory().reset();
		if (rootCause(failure).contains(RecordTooLargeException.class.getSimpleName())) {
			// The topic takes less than it did when asked: ask again.
			this.limits.forgetAll();
		}
		String error = "Kafka did not take the record of position " + current.failedAt + " (" + rootCause(failure)
				+ "); the records of positions " + current.first + " to " + current.last
				+ " are sent again from the checkpoint";
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
		long acknowledged = Long.MAX_VALUE;
		long inFlight = 0;
		Window waiting = null;
		for (Lane lane : this.lanes.values()) {
			acknowledged = Math.min(acknowledged, lane.acknowledged);
			Window current = lane.window;
			long unacknowledged = current.sent - current.completed();
			inFlight += unacknowledged;
			if (unacknowledged > 0 && (waiting == null || current.firstAt - waiting.firstAt < 0)) {
				waiting = current;
			}
		}
		String error = this.lastError;
		Instant since = this.failingSince;
		if (since == null && waiting != null) {
			long waited = System.nanoTime() - waiting.firstAt;
			if (waited > this.settings.ackTimeout().toNanos()) {
				since = Instant.now().minusNanos(waited);
				error = "Kafka has not acknowledged " + inFlight + " records, the first of position " + waiting.first
						+ ", for " + Duration.ofNanos(waited).toSeconds()
						+ " s (is the broker reachable?); the producer keeps trying";
			}
		}
		return new KafkaForwarderStatus(this.lanes.isEmpty() ? 0 : acknowledged, inFlight, error, since);
	}

	/** The calling thread's lane, made on its first record; dead threads' are dropped. */
	private Lane lane() {
		Thread thread = Thread.currentThread();
		Lane lane = this.lanes.get(thread);
		if (lane == null) {
			// A processor restarted, or a segment handed over, on a new thread: what the
			// old one sent and never flushed is sent again after its checkpoint.
			this.lanes.keySet().removeIf((other) -> !other.isAlive());
			lane = new Lane();
			this.lanes.put(thread, lane);
		}
		return lane;
	}

	@Override
	public String toString() {
		return "KafkaForwarder[" + this.settings.topic() + "]";
	}

	/**
	 * One processor thread's records: those sent since its last flush, and the last
	 * position the broker acknowledged with every record the thread sent before it.
	 */
	private static final class Lane {

		volatile Window window = new Window();

		volatile long acknowledged;

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

		/** The position of the first record that failed. */
		volatile long failedAt;

		/** On a producer thread: one record acknowledged or failed. */
		void completed(long position, @Nullable Throwable failed) {
			synchronized (this.lock) {
				if (failed != null && this.failure == null) {
					this.failedAt = position;
					this.failure = failed;
				}
				this.done++;
				if (this.done == this.sent) {
					this.lock.notifyAll();
				}
			}
		}

		/** The record last counted as sent was not: the producer refused it at once. */
		void abandoned() {
			synchronized (this.lock) {
				this.sent--;
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
