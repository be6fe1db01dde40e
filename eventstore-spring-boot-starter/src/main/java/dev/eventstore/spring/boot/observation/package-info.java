/**
 * Micrometer Observation support: appends and processor handling as observations, for
 * tracing and metrics with one instrumentation.
 */
@NullMarked
package dev.eventstore.spring.boot.observation;

import org.jspecify.annotations.NullMarked;
