/**
 * The sample application: event-sourced shopping carts on the eventstore starter.
 */
@NullMarked
package dev.eventstore.sample;

import org.jspecify.annotations.NullMarked;
