package dev.eventstore.cli;

import picocli.CommandLine.Option;

/**
 * The option that names a PostgreSQL journal's tables, for every command that reads one.
 */
final class PostgresTables {

	@Option(names = "--table-prefix", description = "PostgreSQL table prefix (default: ${DEFAULT-VALUE})",
			defaultValue = "eventstore_")
	String prefix = "eventstore_";

}
