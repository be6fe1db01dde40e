/**
 * Receipts: a reaction to checkouts that must happen exactly once, written by a durable
 * processor.
 */
@NullMarked
package dev.eventstore.sample.receipt;

import org.jspecify.annotations.NullMarked;
