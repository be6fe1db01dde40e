/**
 * Auto-configuration of the Kafka forwarder.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.kafka;

import org.jspecify.annotations.NullMarked;
