/**
 * Hands the log to Kafka: {@link dev.eventstore.kafka.KafkaForwarder}, a durable
 * processor's handler that sends every event as a CloudEvents record keyed by its stream,
 * and lets the checkpoint move only past what the broker acknowledged.
 */
@NullMarked
package dev.eventstore.kafka;

import org.jspecify.annotations.NullMarked;
