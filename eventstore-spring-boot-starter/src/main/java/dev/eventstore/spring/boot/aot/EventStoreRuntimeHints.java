package dev.eventstore.spring.boot.aot;

import java.nio.ByteBuffer;
import java.util.List;

import dev.eventstore.StoredEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What the store needs at run time in a native image, whatever the application: the
 * PostgreSQL journal's schema scripts, the {@code JournalProvider} service file and its
 * file-journal implementation (loaded by {@code ServiceLoader}), the JVM's
 * {@code Unsafe.invokeCleaner} that unmaps journal files, and Jackson binding of
 * {@link StoredEvent} (written by web APIs such as the sample's).
 *
 * @since 0.2.0
 */
public final class EventStoreRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("dev/eventstore/postgres/V*.sql");
		hints.resources().registerPattern("META-INF/services/dev.eventstore.JournalProvider");
		hints.reflection()
			.registerType(TypeReference.of("dev.eventstore.journal.file.LocalJournalProvider"),
					MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		hints.reflection()
			.registerType(TypeReference.of("sun.misc.Unsafe"), (type) -> type.withField("theUnsafe")
				.withMethod("invokeCleaner", List.of(TypeReference.of(ByteBuffer.class)), ExecutableMode.INVOKE));
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), StoredEvent.class);
	}

}
