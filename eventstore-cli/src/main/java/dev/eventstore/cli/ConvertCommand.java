package dev.eventstore.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.eventstore.FsyncPolicy;
import dev.eventstore.journal.file.FileJournal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Turns a single-file journal into a segmented one. */
@Command(name = "convert", mixinStandardHelpOptions = true,
		description = { "Turns a single-file journal into a segmented journal: a directory of the same name holding "
				+ "segment files of about --segment-size each (whole batches, the same lines byte for byte) and "
				+ "their indexes. The file is kept beside it as <journal>.single-file-<time>; delete it once the "
				+ "journal is trusted. Refuses while a store holds the journal.",
				"A store opened with a segment size converts a single file the same way on its own." })
final class ConvertCommand implements Callable<Integer> {

	@Parameters(paramLabel = "<journal>", description = "the single-file journal")
	Path journal;

	@Option(names = "--segment-size", defaultValue = "64MB", paramLabel = "<size>", converter = Sizes.class,
			description = "bytes a segment holds before the next begins, e.g. 256MB (default ${DEFAULT-VALUE}); "
					+ "1 byte to 1GB")
	long segmentSize;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() throws IOException {
		if (!Files.isRegularFile(this.journal)) {
			throw new IllegalArgumentException("No single-file journal " + this.journal
					+ (Files.isDirectory(this.journal) ? ": it is a directory (already segmented?)" : ""));
		}
		if (this.segmentSize < 1 || this.segmentSize > FileJournal.MAX_SEGMENT_SIZE) {
			throw new picocli.CommandLine.ParameterException(this.spec.commandLine(),
					"--segment-size must be 1 byte to 1GB, was " + this.segmentSize);
		}
		long events;
		long bytes;
		try (FileJournal converted = FileJournal.open(this.journal, FsyncPolicy.ALWAYS, FsyncPolicy.DEFAULT_INTERVAL,
				this.segmentSize)) {
			events = converted.lastPosition();
			bytes = converted.sizeBytes();
		}
		long segments;
		try (Stream<Path> files = Files.list(this.journal)) {
			segments = files.filter((file) -> file.getFileName().toString().endsWith(".ndjson")).count();
		}
		PrintWriter out = this.spec.commandLine().getOut();
		out.printf("Converted %s: %d events, %d bytes in %d segments; the single file is kept as %s%n", this.journal,
				events, bytes, segments, backup());
		return 0;
	}

	private Path backup() throws IOException {
		String prefix = this.journal.getFileName() + ".single-file-";
		Path parent = this.journal.toAbsolutePath().getParent();
		try (Stream<Path> files = Files.list(parent)) {
			return files.filter((file) -> file.getFileName().toString().startsWith(prefix))
				.max(Comparator.comparing(Path::toString))
				.orElseThrow();
		}
	}

}
