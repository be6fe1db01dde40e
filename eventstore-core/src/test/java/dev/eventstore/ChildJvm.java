package dev.eventstore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Starts a {@code main} class of the test class path in a JVM of its own. */
public final class ChildJvm {

	private ChildJvm() {
	}

	public static Process start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(main.getName());
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
	}

	/**
	 * Reads a child's standard output on a thread of its own, a line at a time, until the
	 * child closes it or dies (a line cut by the death is dropped: what was read stands).
	 * @param child the child
	 * @param lines told each line
	 * @return the started thread: join it after the child ended
	 */
	public static Thread readLines(Process child, Consumer<String> lines) {
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					lines.accept(line);
				}
			}
			catch (IOException | RuntimeException ex) {
				// The child died mid-line; what was read stands.
			}
		});
		reader.start();
		return reader;
	}

}
