package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes instants exactly as {@link Instant#toString()} does, as ASCII bytes into a
 * buffer of its own, reusing the date and time of the last second written: appends made
 * within one second share it, and the general formatter took an eighth of an append's
 * time (JFR, {@code NEVER}, one thread). Not thread-safe; one per encoder.
 */
final class TimestampText {

	/** The longest text of an instant: {@code +1000000000-12-31T23:59:59.999999999Z}. */
	private static final int MAX_LENGTH = 38;

	/** The second whose {@code yyyy-MM-ddTHH:mm:ss} the buffer starts with. */
	private long second = Long.MIN_VALUE;

	private final byte[] text = new byte[MAX_LENGTH];

	/**
	 * Writes the instant's text at the start of {@link #bytes()}.
	 * @return its length
	 */
	int write(Instant instant) {
		long epochSecond = instant.getEpochSecond();
		if (epochSecond != this.second) {
			String whole = Instant.ofEpochSecond(epochSecond).toString();
			if (whole.length() != 20) {
				// A year outside 0000-9999: rare enough for the general formatter.
				this.second = Long.MIN_VALUE;
				byte[] general = instant.toString().getBytes(StandardCharsets.ISO_8859_1);
				System.arraycopy(general, 0, this.text, 0, general.length);
				return general.length;
			}
			for (int i = 0; i < 19; i++) {
				this.text[i] = (byte) whole.charAt(i);
			}
			this.second = epochSecond;
		}
		int length = 19;
		int nano = instant.getNano();
		if (nano != 0) {
			this.text[length++] = '.';
			if (nano % 1_000_000 == 0) {
				length = writeDigits(nano / 1_000_000, 3, length);
			}
			else if (nano % 1_000 == 0) {
				length = writeDigits(nano / 1_000, 6, length);
			}
			else {
				length = writeDigits(nano, 9, length);
			}
		}
		this.text[length++] = 'Z';
		return length;
	}

	/** The text {@link #write} wrote, at the start. */
	byte[] bytes() {
		return this.text;
	}

	private int writeDigits(int value, int digits, int at) {
		int rest = value;
		for (int i = at + digits - 1; i >= at; i--) {
			this.text[i] = (byte) ('0' + rest % 10);
			rest /= 10;
		}
		return at + digits;
	}

}
