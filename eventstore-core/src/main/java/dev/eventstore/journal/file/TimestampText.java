package dev.eventstore.journal.file;

import java.time.Instant;

/**
 * Writes instants exactly as {@link Instant#toString()} does, reusing the date and time
 * of the last second written: appends made within one second share it, and the general
 * formatter took an eighth of an append's time (JFR, {@code NEVER}, one thread). Not
 * thread-safe; one per encoder.
 */
final class TimestampText {

	private long second = Long.MIN_VALUE;

	/** {@code yyyy-MM-ddTHH:mm:ss} of {@link #second}. */
	private String secondText = "";

	String format(Instant instant) {
		long epochSecond = instant.getEpochSecond();
		if (epochSecond != this.second) {
			String whole = Instant.ofEpochSecond(epochSecond).toString();
			if (whole.length() != 20) {
				// A year outside 0000-9999: rare enough for the general formatter.
				return instant.toString();
			}
			this.secondText = whole.substring(0, 19);
			this.second = epochSecond;
		}
		int nano = instant.getNano();
		if (nano == 0) {
			return this.secondText + 'Z';
		}
		StringBuilder text = new StringBuilder(30).append(this.secondText).append('.');
		if (nano % 1_000_000 == 0) {
			appendDigits(text, nano / 1_000_000, 3);
		}
		else if (nano % 1_000 == 0) {
			appendDigits(text, nano / 1_000, 6);
		}
		else {
			appendDigits(text, nano, 9);
		}
		return text.append('Z').toString();
	}

	private static void appendDigits(StringBuilder text, int value, int digits) {
		for (int divisor = pow10(digits - 1); divisor > 0; divisor /= 10) {
			text.append((char) ('0' + (value / divisor) % 10));
		}
	}

	private static int pow10(int exponent) {
		int value = 1;
		for (int i = 0; i < exponent; i++) {
			value *= 10;
		}
		return value;
	}

}
