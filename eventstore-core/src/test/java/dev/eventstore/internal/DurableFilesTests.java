package dev.eventstore.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A file written whole: its new content replaces the old, and no temporary file is left
 * behind, whether the write succeeds or the rename fails.
 */
class DurableFilesTests {

	@TempDir
	Path dir;

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private Stream<Path> temporaries() throws IOException {
		return Files.list(this.dir).filter((file) -> file.getFileName().toString().endsWith(".tmp"));
	}

	@Test
	void aFileIsCreatedAndThenReplacedWholeWithNothingLeftBehind() throws IOException {
		Path file = this.dir.resolve("checkpoint");
		DurableFiles.replace(file, utf8("first, and longer than the second"));
		assertThat(file).hasContent("first, and longer than the second");
		DurableFiles.replace(file, utf8("second"));
		assertThat(file).hasContent("second");
		DurableFiles.replaceWithoutForcingDirectory(file, utf8("third"));
		assertThat(file).hasContent("third");
		try (Stream<Path> left = temporaries()) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void aRenameThatFailsLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
		// A directory with an entry cannot be replaced by a file.
		Path occupied = Files.createDirectories(this.dir.resolve("occupied"));
		Files.writeString(occupied.resolve("entry"), "kept");
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> DurableFiles.replace(occupied, utf8("new content")))
			.withMessageContaining("occupied");
		assertThat(occupied).isDirectory();
		assertThat(occupied.resolve("entry")).hasContent("kept");
		try (Stream<Path> left = temporaries()) {
			assertThat(left).isEmpty();
		}
	}

}
