/**
 * A journal in PostgreSQL that several application instances share: one table of events,
 * positions assigned in commit order.
 */
@NullMarked
package dev.eventstore.postgres;

import org.jspecify.annotations.NullMarked;
