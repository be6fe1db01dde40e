/**
 * Auto-configuration of the event store for Spring Boot.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
