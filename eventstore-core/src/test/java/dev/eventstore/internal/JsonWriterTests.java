package dev.eventstore.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JsonWriterTests {

	private final JsonWriter writer = new JsonWriter();

	@Test
	void writesRandomValuesByteForByteAsTheStoresMapper() {
		SplittableRandom random = new SplittableRandom(16);
		for (int i = 0; i < 2_000; i++) {
			Object value = JsonValues.toObject(randomMap(random, 0), "Data", "E");
			assertThat(written(value)).as("value %d", i).isEqualTo(generated(value));
		}
	}

	@Test
	void writesEveryCharacterClassAsTheGeneratorDoes() {
		StringBuilder all = new StringBuilder();
		for (char c = 0; c < 0x800; c++) {
			all.append(c);
		}
		all.append("\u2028\u2029\uffff\ud83d\ude00\udbff\udfff/");
		Map<String, Object> data = new LinkedHashMap<>();
		data.put(all.toString(), all.toString());
		data.put("numbers",
				List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, 0.0, -0.0,
						1.0E-300, 1.7976931348623157E308, 19.99, 100.0, 1.0E7, 0.001, new BigDecimal("19.990"),
						new BigDecimal("1E+3"), new BigDecimal("-0.000000001"),
						new BigInteger("-123456789012345678901234567890"), true, false));
		Object value = JsonValues.toObject(data, "Data", "E");
		assertThat(written(value)).isEqualTo(generated(value));
	}

	@Test
	void aStringLongerThanAChunkWithAPairAcrossEveryBoundaryEncodesWhole() {
		StringBuilder text = new StringBuilder();
		while (text.length() < 5_000) {
			text.append("x".repeat(1023 - text.length() % 1024)).append("\ud83d\ude00").append("\n\"\u0001é");
		}
		Object value = JsonValues.toObject(Map.of("long", text.toString()), "Data", "E");
		assertThat(written(value)).isEqualTo(generated(value));
	}

	@Test
	void keysAreWrittenTheSameFromTheCacheForEveryKindOfKey() {
		Map<String, Object> data = new LinkedHashMap<>();
		for (String key : List.of("orderId", "", "quote\"d", "back\\slash", "line\nbreak", "ümlaut",
				"emoji \ud83d\ude00", "k".repeat(64), "k".repeat(65))) {
			data.put(key, 1);
		}
		Object value = JsonValues.toObject(data, "Data", "E");
		String expected = generated(value);
		// Twice: the first fills the cache, the second copies from it.
		assertThat(written(value)).isEqualTo(expected);
		assertThat(written(value)).isEqualTo(expected);
	}

	@Test
	void keysSharingACacheSlotEachKeepTheirOwnName() {
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < 3; i++) {
			String key = "key-" + i;
			if (keys.isEmpty() || slot(key) == slot(keys.get(0))) {
				keys.add(key);
			}
		}
		for (int round = 0; round < 3; round++) {
			for (String key : keys) {
				this.writer.reset();
				this.writer.name(key);
				assertThat(text()).isEqualTo("\"" + key + "\":");
			}
		}
		String copy = new String(keys.get(0).toCharArray());
		this.writer.reset();
		this.writer.name(copy);
		assertThat(text()).isEqualTo("\"" + copy + "\":");
	}

	@Test
	void refusesALoneSurrogateAndWhatIsNotAJsonValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.writer.string("ok\ud800"))
			.withMessage("Text holds a lone surrogate at index 2");
		assertThatIllegalArgumentException().isThrownBy(() -> this.writer.string("\udc00ok"))
			.withMessage("Text holds a lone surrogate at index 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.writer.value(new StringBuilder("x")))
			.withMessage("Not a normalised JSON value: java.lang.StringBuilder");
	}

	@Test
	void writesNegativeAndExtremeIntegers() {
		for (long value : new long[] { 0, 7, -7, 10, -10, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE }) {
			this.writer.reset();
			this.writer.number(value);
			assertThat(text()).isEqualTo(Long.toString(value));
		}
	}

	private String written(Object value) {
		this.writer.reset();
		this.writer.value(value);
		return text();
	}

	private String text() {
		return new String(this.writer.bytes(), 0, this.writer.size(), StandardCharsets.UTF_8);
	}

	/** What the store's Jackson mapper writes for the value. */
	private static String generated(Object value) {
		return JsonValues.MAPPER.writeValueAsString(value);
	}

	private static int slot(String key) {
		int hash = key.hashCode();
		return (hash ^ (hash >>> 16)) & 255;
	}

	private static Map<String, Object> randomMap(SplittableRandom random, int depth) {
		Map<String, Object> map = new LinkedHashMap<>();
		int size = random.nextInt(depth == 0 ? 1 : 0, 6);
		for (int i = 0; i < size; i++) {
			map.put(randomString(random), randomValue(random, depth + 1));
		}
		return map;
	}

	private static Object randomValue(SplittableRandom random, int depth) {
		int kind = random.nextInt((depth < 4) ? 12 : 10);
		return switch (kind) {
			case 0 -> randomString(random);
			case 1 -> random.nextInt();
			case 2 -> random.nextLong();
			case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(-20, 20)) * (random.nextBoolean() ? 1 : -1);
			case 4 -> new BigDecimal(BigInteger.valueOf(random.nextLong()), random.nextInt(-5, 20));
			case 5 -> new BigInteger(100, new java.util.Random(random.nextLong()));
			case 6 -> random.nextBoolean();
			case 7 -> random.nextInt(1000);
			case 8 -> randomString(random);
			case 9 -> (float) random.nextDouble();
			case 10 -> randomMap(random, depth);
			default -> {
				List<Object> list = new ArrayList<>();
				for (int i = random.nextInt(5); i > 0; i--) {
					list.add(randomValue(random, depth + 1));
				}
				yield list;
			}
		};
	}

	private static String randomString(SplittableRandom random) {
		StringBuilder text = new StringBuilder();
		for (int i = random.nextInt(12); i > 0; i--) {
			switch (random.nextInt(6)) {
				case 0 -> text.append((char) random.nextInt(0x20));
				case 1 -> text.append("\"\\/");
				case 2 -> text.append((char) random.nextInt(0x80, 0x800));
				case 3 -> text.append((char) random.nextInt(0x800, 0xD800));
				case 4 -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
				default -> text.append((char) random.nextInt(0x20, 0x7F));
			}
		}
		return text.toString();
	}

}
