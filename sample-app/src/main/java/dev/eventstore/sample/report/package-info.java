/**
 * Read models kept up to date by @EventListener methods.
 */
@NullMarked
package dev.eventstore.sample.report;

import org.jspecify.annotations.NullMarked;
