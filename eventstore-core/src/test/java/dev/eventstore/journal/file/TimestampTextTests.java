package dev.eventstore.journal.file;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampTextTests {

	private final TimestampText text = new TimestampText();

	@Test
	void writesWhatInstantToStringWritesForEveryKindOfFraction() {
		Instant second = Instant.parse("2026-11-26T02:38:56Z");
		for (int nano : new int[] { 0, 1, 999_999_999, 772_000_000, 772_245_000, 772_245_123, 5_000, 50_000_000,
				100 }) {
			Instant instant = second.plusNanos(nano);
			assertThat(format(instant)).as("nano %d", nano).isEqualTo(instant.toString());
		}
	}

	@Test
	void writesWhatInstantToStringWritesAcrossSecondsAndYears() {
		SplittableRandom random = new SplittableRandom(42);
		for (int i = 0; i < 100_000; i++) {
			// Runs of instants in one second, as appends are, and jumps between them.
			long second = (i % 10 == 0) ? random.nextLong(-62_000_000_000L, 253_000_000_000L) : 1_790_000_000L + i / 10;
			int nano = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1_000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(second, nano);
			assertThat(format(instant)).isEqualTo(instant.toString());
		}
		Instant farFuture = Instant.parse("+12026-01-01T00:00:00.5Z");
		assertThat(format(farFuture)).isEqualTo(farFuture.toString());
		Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
		assertThat(format(beforeEpoch)).isEqualTo(beforeEpoch.toString());
	}

	/** The text {@link TimestampText#write} writes, as a string. */
	private String format(Instant instant) {
		int length = this.text.write(instant);
		return new String(this.text.bytes(), 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
	}

}
