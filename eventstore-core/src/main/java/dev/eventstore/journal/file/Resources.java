package dev.eventstore.journal.file;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** Closing several resources, each whatever the others do. */
final class Resources {

	private Resources() {
	}

	/**
	 * Closes each resource; what fails to close is added to {@code failure} as
	 * suppressed, when there is one.
	 */
	static void closeQuietly(List<? extends AutoCloseable> resources, @Nullable Throwable failure) {
		for (AutoCloseable resource : resources) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				if (failure != null) {
					failure.addSuppressed(ex);
				}
			}
		}
	}

}
