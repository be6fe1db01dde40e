/**
 * The crash-safe NDJSON file journal: one JSON event per line, appended and fsynced with
 * group commit, recovered to the last whole batch on open.
 */
@NullMarked
package dev.eventstore.journal.file;

import org.jspecify.annotations.NullMarked;
