/**
 * A journal that keeps events on the heap, for tests and for applications that need no
 * durability.
 */
@NullMarked
package dev.eventstore.journal.memory;

import org.jspecify.annotations.NullMarked;
