package dev.eventstore.postgres;

import java.util.regex.Pattern;

/**
 * A validated table prefix: lower-case letters, digits and underscores, so it can stand
 * in SQL without quoting and nothing can be injected through configuration.
 */
record TablePrefix(String value) {

	private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

	TablePrefix {
		if (value == null || !VALID.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"Table prefix must be 1 to 40 lower-case letters, digits or underscores, "
							+ "starting with a letter or underscore; was '" + value + "'");
		}
	}

	String events() {
		return this.value + "events";
	}

	String snapshots() {
		return this.value + "snapshots";
	}

	String checkpoints() {
		return this.value + "checkpoints";
	}

	String parkedEvents() {
		return this.value + "parked_events";
	}

	String head() {
		return this.value + "head";
	}

}
