/**
 * Upcasting: stored event data of an older schema revision turned into the current one on
 * every read, without rewriting the journal.
 */
@NullMarked
package dev.eventstore.upcasting;

import org.jspecify.annotations.NullMarked;
