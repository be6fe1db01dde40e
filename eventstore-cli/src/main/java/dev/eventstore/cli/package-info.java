/**
 * The {@code eventstore} command-line tool: verify, browse, follow, repair and copy
 * journals. Exit codes: 0 ok, 1 problems found (or the command failed), 2 usage error.
 */
@NullMarked
package dev.eventstore.cli;

import org.jspecify.annotations.NullMarked;
