package dev.eventstore;

import java.util.ServiceLoader;

/**
 * Finds the {@link JournalProvider} once: the API opens journals through it and so
 * imports no journal implementation.
 */
final class Journals {

	private Journals() {
	}

	private static final class Holder {

		static final JournalProvider provider = ServiceLoader
			.load(JournalProvider.class, Journals.class.getClassLoader())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No " + JournalProvider.class.getName()
					+ " is registered; eventstore-core's jar registers one in META-INF/services"));

	}

	static JournalProvider provider() {
		return Holder.provider;
	}

}
