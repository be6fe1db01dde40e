/**
 * Auto-configuration of observations.
 */
@NullMarked
package dev.eventstore.spring.boot.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
