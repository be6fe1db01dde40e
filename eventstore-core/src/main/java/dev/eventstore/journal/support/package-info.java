/**
 * What journal implementations share (SPI, for journal authors rather than applications):
 * group commit, telling retries from new appends, JSON of event data, error texts of a
 * bounded size.
 */
@NullMarked
package dev.eventstore.journal.support;

import org.jspecify.annotations.NullMarked;
