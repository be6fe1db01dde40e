package dev.eventstore.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedNamesTests {

	private final EncodedNames names = new EncodedNames();

	@Test
	void writesEveryKindOfKeyExactlyAsTheGeneratorEscapesIt() {
		Map<String, Object> data = new LinkedHashMap<>();
		for (String key : List.of("orderId", "", "quote\"d", "back\\slash", "line\nbreak", "tab\tand\u0001control",
				"ümlaut", "emoji \ud83d\ude00", "separator\u2028", "k".repeat(65), "nested")) {
			data.put(key, key.equals("nested") ? Map.of("inner\"key", List.of(Map.of("deep", 1))) : key);
		}
		Object value = JsonValues.toObject(data, "Data", "E");
		String uncached = write(value, null);
		// Twice: the first fills the cache, the second copies from it.
		assertThat(write(value, this.names)).isEqualTo(uncached);
		assertThat(write(value, this.names)).isEqualTo(uncached);
		assertThat(JsonValues.MAPPER.readTree(uncached).propertyNames()).containsExactlyElementsOf(data.keySet());
	}

	@Test
	void keysSharingASlotEachGetTheirOwnName() {
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < 3; i++) {
			String key = "key-" + i;
			if (keys.isEmpty() || slot(key) == slot(keys.get(0))) {
				keys.add(key);
			}
		}
		for (int round = 0; round < 3; round++) {
			for (String key : keys) {
				assertThat(this.names.of(key).getValue()).isEqualTo(key);
			}
		}
	}

	@Test
	void anEqualKeyOfAnotherInstanceFindsTheCachedName() {
		String key = "customerId";
		String copy = new String(key.toCharArray());
		assertThat(copy).isNotSameAs(key);
		assertThat(this.names.of(copy)).isSameAs(this.names.of(key));
	}

	@Test
	void keysLongerThan64CharactersAreNotCached() {
		assertThat(this.names.of("k".repeat(64))).isNotNull();
		assertThat(this.names.of("k".repeat(65))).isNull();
	}

	private static int slot(String key) {
		int hash = key.hashCode();
		return (hash ^ (hash >>> 16)) & 255;
	}

	private static String write(Object value, EncodedNames names) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JsonGenerator generator = JsonValues.MAPPER.createGenerator(out)) {
			JsonValues.write(generator, value, names);
		}
		return out.toString(java.nio.charset.StandardCharsets.UTF_8);
	}

}
