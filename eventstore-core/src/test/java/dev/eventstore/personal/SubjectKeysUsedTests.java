package dev.eventstore.personal;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SubjectKeysUsedTests {

	@Test
	void keysUsedAreCopiedAndMustPairUp() {
		byte[] key = { 1, 2, 3 };
		SubjectKeysUsed used = new SubjectKeysUsed(List.of("s"), List.of(key));
		key[0] = 9;
		assertThat(used.wrappedKey(0)).containsExactly(1, 2, 3);
		used.wrappedKey(0)[1] = 9;
		assertThat(used.wrappedKey(0)).containsExactly(1, 2, 3);
		assertThat(used.toString()).isEqualTo("SubjectKeysUsed[s]");
		assertThatIllegalArgumentException().isThrownBy(() -> new SubjectKeysUsed(List.of("s", "t"), List.of(key)))
			.withMessageContaining("2 subjects but 1 keys");
	}

}
