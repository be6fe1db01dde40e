package dev.eventstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code eventstore} command line: {@code java -jar eventstore-cli.jar <command>}.
 * Exit codes: 0 ok, 1 problems found or the command failed, 2 usage error.
 *
 * @since 0.2.0
 */
@Command(name = "eventstore", mixinStandardHelpOptions = true, version = "eventstore-cli 0.2.0",
		description = "Inspect, verify, follow, repair, copy and convert eventstore journals.",
		subcommands = { VerifyCommand.class, StreamsCommand.class, CatCommand.class, TailCommand.class,
				RepairCommand.class, CopyCommand.class, ConvertCommand.class },
		exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:ok", "1:problems found, or the command failed", "2:usage error" })
public final class EventStoreCli {

	private EventStoreCli() {
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	/** Runs a command line; returns its exit code. */
	static int run(String... args) {
		CommandLine commandLine = new CommandLine(new EventStoreCli());
		commandLine.setExecutionExceptionHandler((ex, line, parsed) -> {
			line.getErr().println("eventstore: " + ex.getMessage());
			return 1;
		});
		return commandLine.execute(args);
	}

}
