package dev.eventstore.cli;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte sizes as an operator writes them: {@code 4096}, {@code 512KB}, {@code 64MB},
 * {@code 1GB}.
 */
final class Sizes implements ITypeConverter<Long> {

	@Override
	public Long convert(String value) {
		String text = value.trim().toUpperCase(Locale.ROOT);
		long unit = 1;
		for (String[] suffix : new String[][] { { "KB", "1024" }, { "MB", "1048576" }, { "GB", "1073741824" },
				{ "B", "1" } }) {
			if (text.endsWith(suffix[0])) {
				unit = Long.parseLong(suffix[1]);
				text = text.substring(0, text.length() - suffix[0].length()).trim();
				break;
			}
		}
		try {
			return Math.multiplyExact(Long.parseLong(text), unit);
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw new TypeConversionException("'" + value + "' is not a size such as 4096, 512KB, 64MB or 1GB");
		}
	}

}
