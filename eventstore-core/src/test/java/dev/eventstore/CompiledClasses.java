package dev.eventstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiled classes of a module, read as bytes: a class file's constant pool names
 * every class it refers to, so a package rule can be checked without a library.
 */
public final class CompiledClasses {

	private CompiledClasses() {
	}

	/**
	 * The class files below {@code anchor}'s class-path root, in package {@code under}
	 * and its subpackages, that name a class of {@code forbidden} (a package path such as
	 * {@code dev/eventstore/internal/}).
	 */
	public static List<String> referencing(Class<?> anchor, String under, String forbidden) {
		Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().getPath());
		try (Stream<Path> files = Files.walk(root.resolve(under))) {
			return files.filter((f) -> f.toString().endsWith(".class")).filter((f) -> {
				try {
					return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(forbidden);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).map((f) -> root.relativize(f).toString()).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
