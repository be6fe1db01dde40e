/**
 * The crash-safe NDJSON file journal: one JSON event per line, appended and fsynced with
 * group commit, recovered to the last whole batch on open; in one file, or in a directory
 * of segments whose sealed ones are indexed on disk ({@code Segments},
 * {@code SegmentIndex}, {@code SealedSegments}, {@code SideFiles}), so that opening scans
 * only the last.
 */
@NullMarked
package dev.eventstore.journal.file;

import org.jspecify.annotations.NullMarked;
