/**
 * Auto-configuration of the event store's health contributor.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
