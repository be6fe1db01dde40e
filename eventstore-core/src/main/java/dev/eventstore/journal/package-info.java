/**
 * The storage seam under the event store: a {@link dev.eventstore.journal.Journal} keeps
 * the log and assigns positions; the store adds validation, subscriptions and lifecycle
 * on top.
 */
@NullMarked
package dev.eventstore.journal;

import org.jspecify.annotations.NullMarked;
