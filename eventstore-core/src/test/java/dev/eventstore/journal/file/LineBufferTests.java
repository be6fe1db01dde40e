package dev.eventstore.journal.file;

import java.nio.charset.StandardCharsets;

import dev.eventstore.internal.JsonData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LineBufferTests {

	private final LineBuffer buffer = new LineBuffer();

	@Test
	void escapesEveryCharacterClassAsTheStoresMapperDoes() {
		StringBuilder all = new StringBuilder();
		for (char c = 0; c < 0x800; c++) {
			all.append(c);
		}
		all.append("\u2028\u2029\uffff\ud83d\ude00\udbff\udfff/");
		assertThat(string(all.toString())).isEqualTo(JsonData.MAPPER.writeValueAsString(all.toString()));
	}

	@Test
	void aStringLongerThanAChunkWithAPairAcrossEveryBoundaryEncodesWhole() {
		StringBuilder text = new StringBuilder();
		while (text.length() < 5_000) {
			text.append("x".repeat(1023 - text.length() % 1024)).append("\ud83d\ude00").append("\n\"\u0001é");
		}
		assertThat(string(text.toString())).isEqualTo(JsonData.MAPPER.writeValueAsString(text.toString()));
	}

	@Test
	void refusesALoneSurrogate() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.buffer.string("a\ud800b"))
			.withMessageContaining("lone surrogate at index 1");
	}

	@Test
	void writesNegativeAndExtremeIntegers() {
		for (long value : new long[] { 0, 7, -7, 10, -10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE }) {
			this.buffer.reset();
			this.buffer.number(value);
			assertThat(new String(this.buffer.bytes(), 0, this.buffer.size(), StandardCharsets.US_ASCII))
				.isEqualTo(Long.toString(value));
		}
	}

	private String string(String text) {
		this.buffer.reset();
		this.buffer.string(text);
		return new String(this.buffer.bytes(), 0, this.buffer.size(), StandardCharsets.UTF_8);
	}

}
