/**
 * Snapshots that cannot go stale: the state a stream's events built, saved every so many
 * events, so that loading a long stream replays only the events after the latest
 * snapshot. A snapshot is used only when its state class still has the shape (and the
 * revision) it was saved with; anything else is ignored, and the stream is replayed.
 */
@NullMarked
package dev.eventstore.snapshot;

import org.jspecify.annotations.NullMarked;
