package dev.eventstore.processor;

import java.util.regex.Pattern;

/**
 * Processor names: letters, digits, dots, dashes and underscores, so a name can stand in
 * a file name, a metric tag and a URL unescaped.
 */
final class ProcessorNames {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private ProcessorNames() {
	}

	static String require(String name) {
		if (name == null || !VALID.matcher(name).matches()) {
			throw new IllegalArgumentException("A processor name is 1 to 100 letters, digits, '.', '-' or '_', "
					+ "starting with a letter or digit; was '" + name + "'");
		}
		return name;
	}

}
