/**
 * Serialization of typed payloads: the seam between event classes and stored JSON.
 */
@NullMarked
package dev.eventstore.serialization;

import org.jspecify.annotations.NullMarked;
