/**
 * The journals: {@code file} (the NDJSON journal), {@code memory}, and {@code support},
 * the building blocks for writing one. Each implements {@link dev.eventstore.Journal},
 * the storage SPI, which lives beside the API it speaks in, so that packages depend on
 * the API and never the other way round.
 */
@NullMarked
package dev.eventstore.journal;

import org.jspecify.annotations.NullMarked;
