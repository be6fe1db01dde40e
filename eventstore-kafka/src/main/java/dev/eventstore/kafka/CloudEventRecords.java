package dev.eventstore.kafka;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.TreeSet;

import dev.eventstore.StoredEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka record of a stored event, in the CloudEvents 1.0 Kafka protocol binding's
 * binary mode: the key is the stream id (one stream's events stay in one partition, in
 * order), the value is the event's data JSON, and the attributes are headers:
 * {@code ce_specversion} ({@code 1.0}), {@code ce_id} (the event's id: consumers
 * deduplicate by it), {@code ce_type}, {@code ce_source}, {@code ce_time} (RFC 3339),
 * {@code ce_subject} (the stream id) and {@code content-type} ({@code application/json});
 * the store adds {@code eventstore_position} and {@code eventstore_stream_version}
 * (decimal text) and, when the event has them, {@code eventstore_tags} (a JSON array of
 * its tags) and {@code eventstore_metadata} (its metadata, a JSON object): a consumer
 * gets everything the event holds, correlation ids in the metadata included.
 *
 * @since 0.2.0
 */
public final class CloudEventRecords {

	/** Header of the event's id. */
	public static final String ID = "ce_id";

	/** Header of the event's type. */
	public static final String TYPE = "ce_type";

	/** Header of the event's stream id. */
	public static final String SUBJECT = "ce_subject";

	/** Header of the event's log position. */
	public static final String POSITION = "eventstore_position";

	/** Header of the event's version in its stream. */
	public static final String STREAM_VERSION = "eventstore_stream_version";

	/** Header of the event's tags, a JSON array; left out when it has none. */
	public static final String TAGS = "eventstore_tags";

	/** Header of the event's metadata, a JSON object; left out when it has none. */
	public static final String METADATA = "eventstore_metadata";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final byte[] SPEC_VERSION = bytes("1.0");

	private static final byte[] JSON = bytes("application/json");

	private CloudEventRecords() {
	}

	/**
	 * The record of an event.
	 * @param event the event
	 * @param topic its topic
	 * @param source the CloudEvents source
	 * @return the record
	 */
	public static ProducerRecord<String, byte[]> of(StoredEvent event, String topic, String source) {
		Headers headers = new RecordHeaders();
		headers.add("ce_specversion", SPEC_VERSION);
		headers.add(ID, bytes(event.id().toString()));
		headers.add(TYPE, bytes(event.type()));
		headers.add("ce_source", bytes(source));
		headers.add("ce_time", bytes(DateTimeFormatter.ISO_INSTANT.format(event.timestamp())));
		headers.add(SUBJECT, bytes(event.streamId()));
		headers.add("content-type", JSON);
		headers.add(POSITION, bytes(Long.toString(event.position())));
		headers.add(STREAM_VERSION, bytes(Long.toString(event.version())));
		if (!event.tags().isEmpty()) {
			headers.add(TAGS, json.writeValueAsBytes(new TreeSet<>(event.tags())));
		}
		if (!event.metadata().isEmpty()) {
			headers.add(METADATA, json.writeValueAsBytes(event.metadata()));
		}
		// No record timestamp: the producer's send time, so that retention does not drop
		// old events the moment a late forward (a replay, a catch-up) writes them.
		return new ProducerRecord<>(topic, null, null, event.streamId(), event.dataJson(), headers);
	}

	/**
	 * The bytes of a record's headers that grow with its event (its tags and metadata):
	 * the others are bounded by the event limits.
	 * @param record a record of this class
	 * @return their bytes
	 */
	static int variableHeaderBytes(ProducerRecord<String, byte[]> record) {
		int bytes = 0;
		for (Header header : record.headers()) {
			if (header.key().equals(TAGS) || header.key().equals(METADATA)) {
				bytes += header.value().length;
			}
		}
		return bytes;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
