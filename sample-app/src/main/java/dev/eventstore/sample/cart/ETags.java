package dev.eventstore.sample.cart;

import org.jspecify.annotations.Nullable;

/** A cart's version as an HTTP entity tag, {@code "3"}, and back. */
final class ETags {

	private ETags() {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/**
	 * The version an If-Match header names, or null without one.
	 * @throws InvalidIfMatch if the header is not a version this API handed out
	 */
	static @Nullable Long version(@Nullable String ifMatch) {
		if (ifMatch == null || ifMatch.isBlank()) {
			return null;
		}
		String value = ifMatch.strip();
		if (value.startsWith("W/")) {
			value = value.substring(2);
		}
		if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			value = value.substring(1, value.length() - 1);
		}
		try {
			long version = Long.parseLong(value);
			if (version >= 0) {
				return version;
			}
		}
		catch (NumberFormatException ex) {
			// Falls through to the error below.
		}
		throw new InvalidIfMatch(ifMatch);
	}

}
