package dev.eventstore.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

/** Finds the starter's configuration failure in a context's start-up failure. */
final class StartupFailures {

	private StartupFailures() {
	}

	static EventStoreConfigurationException configurationFailure(Throwable failure) {
		Throwable current = failure;
		while (current != null && !(current instanceof EventStoreConfigurationException)) {
			current = current.getCause();
		}
		assertThat(current).as("an EventStoreConfigurationException in %s", failure).isNotNull();
		return (EventStoreConfigurationException) current;
	}

}
